import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Flex, Radio, RadioGroup, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import {
  asDelivery,
  errorMessage,
  NO_FORGE_SENTENCE,
} from '../../lib/delivery';
import { enumLabels, poolFromForm } from '../fieldContext';
import { usePoolPermissions } from '../../hooks/usePoolPermissions';
import { OpenShiftSignIn } from './OpenShiftSignIn';
import {
  DEFAULT_DELIVERY_LABELS,
  type LayeringDeliveryPickerOptions,
} from './rules';

/**
 * Scaffolder field: how a request is delivered, as a pull request to the
 * cluster's GitOps repository or applied to the cluster now. When the
 * portal has credentials for no GitHub or GitLab host, the pull request
 * cannot be chosen and the field says what to configure.
 *
 * @public
 */
export function LayeringDeliveryPicker(
  props: FieldExtensionComponentProps<string, LayeringDeliveryPickerOptions>,
) {
  const { formData, onChange, schema, rawErrors, required, disabled } = props;
  const api = useApi(layeringApiRef);
  const check = useAsync(async () => api.getDeliveryOptions(), [api]);
  const labels = enumLabels(schema, DEFAULT_DELIVERY_LABELS);
  const unavailable = check.value?.pullRequestAvailable === false;
  const noteId = `${props.idSchema?.$id ?? 'delivery'}-pull-request-note`;
  const errors = rawErrors ?? [];
  // Direct apply is offered only where the policy allows it for the chosen pool.
  const { cluster, pool } = poolFromForm(props.formContext?.formData, undefined);
  const permitted = usePoolPermissions(cluster, pool);
  const directRefused = !!pool && !permitted.loading && !permitted.canApply;
  const directNoteId = `${props.idSchema?.$id ?? 'delivery'}-direct-note`;

  return (
    <Flex direction="column" gap="1">
      <RadioGroup
        label={schema.title ?? 'Delivery'}
        description={schema.description}
        isRequired={required}
        isDisabled={disabled}
        // The scaffolder form validates: native validity would block its submit, and with it
        // the only way to clear these errors.
        validationBehavior="aria"
        isInvalid={errors.length > 0}
        value={asDelivery(formData) ?? null}
        onChange={value => onChange(value)}
      >
        <Radio
          value="pull-request"
          isDisabled={unavailable}
          aria-describedby={unavailable || check.error ? noteId : undefined}
        >
          {labels['pull-request']}
        </Radio>
        <Radio
          value="direct"
          isDisabled={directRefused}
          aria-describedby={directRefused ? directNoteId : undefined}
        >
          {labels.direct}
        </Radio>
      </RadioGroup>
      {directRefused && (
        <Text id={directNoteId} as="p" variant="body-small" color="secondary">
          {`You may not apply changes to pool ${pool} of cluster ${cluster} directly; ask for them by pull request.`}
        </Text>
      )}
      {asDelivery(formData) === 'direct' && !directRefused && cluster && (
        <OpenShiftSignIn cluster={cluster} />
      )}
      {check.loading && (
        <Text as="p" variant="body-small" color="secondary">
          Checking whether the portal can open pull requests…
        </Text>
      )}
      {unavailable && (
        <Text id={noteId} as="p" variant="body-small" color="warning">
          {`Pull request unavailable. ${NO_FORGE_SENTENCE}`}
        </Text>
      )}
      {check.error && (
        <Text id={noteId} as="p" variant="body-small" color="warning">
          {`Could not check whether the portal can open pull requests (${errorMessage(
            check.error,
          )}); both deliveries stay open.`}
        </Text>
      )}
    </Flex>
  );
}
