import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type {
  LayeringDeliveryOptions,
  LayeringForgeKind,
} from '@rhcos-layering/plugin-layering-common';
import { Flex, Radio, RadioGroup, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import {
  asForgeKind,
  credentialedHosts,
  errorMessage,
  FORGE_KINDS,
  forgeErrors,
  forgeReadiness,
  forgeSentence,
  repoHost,
  secretGiven,
} from '../../lib/delivery';
import { enumLabels } from '../fieldContext';
import {
  DEFAULT_FORGE_LABELS,
  DEFAULT_REPO_URL_FIELD,
  DEFAULT_TOKEN_FIELD,
  type LayeringForgePickerOptions,
} from './rules';

/** What an option adds to its label about the portal's credentials. */
function credentialsNote(
  options: LayeringDeliveryOptions,
  kind: LayeringForgeKind,
): string {
  const hosts = credentialedHosts(options, kind);
  return hosts.length > 0
    ? `the portal has credentials for ${hosts.join(', ')}`
    : 'no credentials in the portal';
}

/**
 * Scaffolder field: the forge a request is opened on, a GitHub pull
 * request or a GitLab merge request. Each option says whether the portal
 * has credentials for it; when the chosen one has none (for the chosen
 * repository's host, when there is one), the field says what to configure
 * or that the personal token field below will be used.
 *
 * @public
 */
export function LayeringForgePicker(
  props: FieldExtensionComponentProps<string, LayeringForgePickerOptions>,
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
  const uiOptions: LayeringForgePickerOptions = uiSchema['ui:options'] ?? {};
  const api = useApi(layeringApiRef);
  const check = useAsync(async () => api.getDeliveryOptions(), [api]);
  const form = (props.formContext?.formData ?? {}) as Record<string, unknown>;
  const tokenGiven = secretGiven(
    form[uiOptions.tokenField ?? DEFAULT_TOKEN_FIELD],
  );
  const host = repoHost(form[uiOptions.repoUrlField ?? DEFAULT_REPO_URL_FIELD]);
  const labels = enumLabels(schema, DEFAULT_FORGE_LABELS);
  const kind = asForgeKind(formData);
  const readiness =
    kind && check.value ? forgeReadiness(check.value, kind, host) : undefined;
  const sentence =
    kind && readiness ? forgeSentence(kind, readiness, tokenGiven) : undefined;
  const blocking =
    kind && readiness
      ? forgeErrors(kind, readiness, tokenGiven).length > 0
      : false;
  const noteId = `${props.idSchema?.$id ?? 'forge'}-credentials-note`;
  const errors = rawErrors ?? [];

  return (
    <Flex direction="column" gap="1">
      <RadioGroup
        label={schema.title ?? 'Forge'}
        description={schema.description}
        isRequired={required}
        isDisabled={disabled}
        // The scaffolder form validates: native validity would block its submit, and with it
        // the only way to clear these errors.
        validationBehavior="aria"
        isInvalid={errors.length > 0}
        value={kind ?? null}
        onChange={value => onChange(value)}
        aria-describedby={sentence || check.error ? noteId : undefined}
      >
        {FORGE_KINDS.map(option => (
          <Radio key={option} value={option}>
            {check.value
              ? `${labels[option]} (${credentialsNote(check.value, option)})`
              : labels[option]}
          </Radio>
        ))}
      </RadioGroup>
      {check.loading && (
        <Text as="p" variant="body-small" color="secondary">
          Checking which forges the portal has credentials for…
        </Text>
      )}
      {sentence && (
        <Text
          id={noteId}
          as="p"
          variant="body-small"
          color={blocking ? 'warning' : 'secondary'}
        >
          {sentence}
        </Text>
      )}
      {check.error && (
        <Text id={noteId} as="p" variant="body-small" color="warning">
          {`Could not check which forges the portal has credentials for (${errorMessage(
            check.error,
          )}); without a token of your own below, the request may fail.`}
        </Text>
      )}
    </Flex>
  );
}
