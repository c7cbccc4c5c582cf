import { useEffect } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Progress } from '@backstage/core-components';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Flex, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import { poolFromForm, stringFromForm } from '../fieldContext';
import { LoadError } from '../LoadError';
import {
  asOperation,
  buildPreview,
  inheritSentence,
  pendingSentence,
  previewSummary,
  rebootingNodes,
  rebootSentence,
  removalSentence,
  type LayeringChangeMode,
  type LayeringRequestPreviewOptions,
} from './rules';

/** Default name of the form field that holds the roll-out choice. */
const DEFAULT_ROLLOUT_FIELD = 'rollout';

function asMode(value: string | undefined): LayeringChangeMode | undefined {
  return value === 'on-cluster' || value === 'out-of-cluster'
    ? value
    : undefined;
}

/**
 * Read-only scaffolder field: what the request will do before it is
 * submitted. It lists the chosen pool's nodes that will reboot (none now
 * when the roll-out is `build-first`), the custom pools a worker change
 * reaches when the change is out-of-cluster, and the pre-flight warnings
 * about the pool and cluster. With `operation: 'revert'` it names the
 * MachineOSConfig or MachineConfig that goes and the nodes that reboot back
 * into the base image. With `operation: 'pause'` or `'resume'` (or the form
 * field named by `operationField`) it says what the pool has not rolled out,
 * which of it waits for a resume, and which nodes a resume reboots. Its value
 * is a one-paragraph summary, so the review step shows it too; it never
 * blocks the form.
 *
 * @public
 */
export function LayeringRequestPreview(
  props: FieldExtensionComponentProps<string, LayeringRequestPreviewOptions>,
) {
  const { formData, onChange, schema, uiSchema } = props;
  const options: LayeringRequestPreviewOptions = uiSchema['ui:options'] ?? {};
  const api = useApi(layeringApiRef);
  const form = props.formContext?.formData;
  const { cluster, pool } = poolFromForm(form, options);
  const rollout = stringFromForm(
    form,
    options.rolloutField ?? DEFAULT_ROLLOUT_FIELD,
  );
  const mode =
    options.mode ??
    (options.modeField
      ? asMode(stringFromForm(form, options.modeField))
      : undefined);
  const operation =
    (options.operationField
      ? asOperation(stringFromForm(form, options.operationField))
      : undefined) ?? options.operation;
  // The form decides the operation, and has not yet.
  const awaitingOperation =
    options.operationField !== undefined && operation === undefined;

  const data = useAsync(async () => {
    if (!cluster || !pool) return undefined;
    const [detail, clusterDetail] = await Promise.all([
      api.getPool(cluster, pool),
      api.getCluster(cluster),
    ]);
    return { detail, clusterDetail };
  }, [api, cluster, pool]);

  const preview =
    data.value && !awaitingOperation
      ? buildPreview({
          pool: data.value.detail,
          cluster: data.value.clusterDetail,
          mode,
          operation,
          rollout,
        })
      : undefined;
  const summary = preview ? previewSummary(preview) : undefined;

  // The value follows the preview, so the review step shows what it shows.
  useEffect(() => {
    if (summary !== formData) {
      onChange(summary);
    }
  }, [summary, formData, onChange]);

  const inherit = preview ? inheritSentence(preview) : undefined;
  const removal = preview ? removalSentence(preview) : undefined;
  const pending = preview ? pendingSentence(preview) : undefined;
  const rebooting = preview ? rebootingNodes(preview) : [];

  return (
    <Flex direction="column" gap="2">
      <Text as="h3" variant="body-medium" weight="bold">
        {schema.title ?? 'What this request will do'}
      </Text>
      {schema.description && (
        <Text as="p" variant="body-small" color="secondary">
          {schema.description}
        </Text>
      )}
      {(!cluster || !pool) && (
        <Text as="p" variant="body-small" color="secondary">
          Choose a pool first to see what the request will do.
        </Text>
      )}
      {cluster && pool && awaitingOperation && (
        <Text as="p" variant="body-small" color="secondary">
          Choose what the request does to see what it will do.
        </Text>
      )}
      {data.loading && <Progress />}
      {data.error && (
        <LoadError
          error={data.error}
          title={`Cannot read pool ${pool} of ${cluster}`}
        />
      )}
      {preview && (
        <ul aria-label="Request preview" style={{ margin: 0, paddingLeft: 20 }}>
          {removal && (
            <li>
              <Text as="span" variant="body-small">
                {removal}
              </Text>
            </li>
          )}
          <li>
            <Text as="span" variant="body-small">
              {rebootSentence(preview)}
            </Text>
            {rebooting.length > 0 && (
              <ul aria-label="Nodes that reboot">
                {rebooting.map(node => (
                  <li key={node}>
                    <Text as="span" variant="body-small">
                      {node}
                    </Text>
                  </li>
                ))}
              </ul>
            )}
          </li>
          {pending && (
            <li>
              <Text as="span" variant="body-small">
                {pending}
              </Text>
            </li>
          )}
          {inherit && (
            <li>
              <Text as="span" variant="body-small" color="warning">
                {inherit}
              </Text>
            </li>
          )}
          {preview.warnings.map(warning => (
            <li key={warning.message}>
              <Text
                as="span"
                variant="body-small"
                color={warning.severity === 'error' ? 'danger' : 'warning'}
              >
                {warning.severity === 'error'
                  ? 'The request will be refused: '
                  : 'Warning: '}
                {warning.message}
              </Text>
            </li>
          ))}
          {preview.checked && preview.warnings.length === 0 && (
            <li>
              <Text as="span" variant="body-small" color="secondary">
                No pre-flight warning about the pool or the cluster.
              </Text>
            </li>
          )}
        </ul>
      )}
    </Flex>
  );
}
