import { useEffect, useMemo, useRef } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Flex, Text, TextAreaField } from '@backstage/ui';
import FormHelperText from '@material-ui/core/FormHelperText';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import { usePoolLayeringSettings } from '../../hooks/usePoolLayeringSettings';
import { poolFromForm } from '../fieldContext';
import {
  containerfileIssues,
  currentContainerfile,
  formatIssue,
  poolArchWarnings,
  type LayeringContainerfileEditorOptions,
} from './rules';

const useStyles = makeStyles({
  editor: {
    '& textarea': {
      fontFamily:
        'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: '0.85rem',
      whiteSpace: 'pre',
      overflowX: 'auto',
    },
  },
});

/**
 * Scaffolder field: a monospace Containerfile editor that checks the
 * content as you type with the same rules as the scaffolder actions.
 *
 * @public
 */
export function LayeringContainerfileEditor(
  props: FieldExtensionComponentProps<
    string,
    LayeringContainerfileEditorOptions
  >,
) {
  const {
    formData,
    onChange,
    schema,
    uiSchema,
    rawErrors,
    required,
    disabled,
  } = props;
  const options: LayeringContainerfileEditorOptions =
    uiSchema['ui:options'] ?? {};
  const classes = useStyles();
  const api = useApi(layeringApiRef);
  const mode = options.mode ?? 'on-cluster';
  const { cluster, pool } = poolFromForm(props.formContext?.formData, options);

  // The cluster decides the API version and the expected base image.
  const clusterInfo = useAsync(
    async () => (cluster ? api.getCluster(cluster) : undefined),
    [api, cluster],
  );

  const content = formData ?? '';

  // Optionally start from the chosen pool's current Containerfile.
  const current = usePoolLayeringSettings(
    cluster,
    options.prefillFromPool ? pool : undefined,
  );
  const poolContent = currentContainerfile(current.settings);
  // The pool last prefilled from, and what was put in: each pool fills the editor at most once,
  // and only over an empty editor, the template default, or an earlier prefill left unedited.
  const prefilled = useRef<{ key: string; content: string | undefined }>();
  const templateDefault =
    typeof schema.default === 'string' ? schema.default : undefined;
  const answeredFor = current.forPool;
  useEffect(() => {
    if (!answeredFor || prefilled.current?.key === answeredFor) return;
    const earlier = prefilled.current?.content;
    const untouched =
      content === '' ||
      content === templateDefault ||
      (earlier !== undefined && content === earlier);
    // The pool counts as seen either way, so clearing the editor later does not refill it.
    prefilled.current = {
      key: answeredFor,
      content: untouched ? poolContent : earlier,
    };
    if (!untouched) return;
    if (poolContent !== undefined) {
      if (content !== poolContent) onChange(poolContent);
    } else if (earlier !== undefined && content === earlier) {
      // A pool with no Containerfile of its own (no on-cluster layering, or
      // unreadable) must not keep another pool's: back to the template's start.
      onChange(templateDefault);
    }
  }, [answeredFor, poolContent, content, templateDefault, onChange]);
  const showsPoolContent = poolContent !== undefined && content === poolContent;
  const issues = useMemo(
    () =>
      content === ''
        ? []
        : containerfileIssues(content, {
            mode,
            apiVersion:
              options.apiVersion ??
              clusterInfo.value?.machineOSConfigApiVersion ??
              undefined,
            expectedBaseImage: clusterInfo.value?.release.baseImage,
          }),
    [content, mode, options.apiVersion, clusterInfo.value],
  );
  const errors = issues.filter(i => i.severity === 'error');
  const warnings = [
    ...(mode === 'on-cluster' ? poolArchWarnings(current.settings, pool) : []),
    ...issues.filter(i => i.severity === 'warning'),
  ];

  return (
    <Flex direction="column" gap="1">
      <TextAreaField
        className={classes.editor}
        label={schema.title ?? 'Containerfile'}
        description={
          schema.description ??
          (mode === 'on-cluster'
            ? 'The last stage must be FROM configs AS final. Written as the NoArch Containerfile, the only one the MCO builds.'
            : "FROM the release's RHCOS image by digest.")
        }
        isRequired={required}
        isDisabled={disabled}
        // The scaffolder form validates: native validity would block its submit, and with it
        // the only way to clear these errors.
        validationBehavior="aria"
        isInvalid={errors.length > 0 || (rawErrors?.length ?? 0) > 0}
        rows={options.rows ?? 16}
        value={content}
        onChange={value => onChange(value === '' ? undefined : value)}
        spellCheck="false"
      />
      <div aria-live="polite">
        {showsPoolContent && (
          <FormHelperText>
            Prefilled with the current Containerfile of pool {pool}: edit it
            into the complete new one.
          </FormHelperText>
        )}
        {current.error && (
          <FormHelperText>
            <Text as="span" variant="body-small" color="warning">
              Could not read the pool's current Containerfile (
              {current.error.message}); enter the complete new one.
            </Text>
          </FormHelperText>
        )}
        {/* The form lists the validator's errors (rawErrors) under the field itself. */}
        {errors
          .filter(issue => !rawErrors?.includes(formatIssue(issue)))
          .map(issue => (
            <FormHelperText key={`e-${issue.line}-${issue.message}`} error>
              {formatIssue(issue)}
            </FormHelperText>
          ))}
        {warnings.map(issue => (
          <FormHelperText key={`w-${issue.line}-${issue.message}`}>
            <Text as="span" variant="body-small" color="warning">
              Warning: {formatIssue(issue)}
            </Text>
          </FormHelperText>
        ))}
      </div>
    </Flex>
  );
}
