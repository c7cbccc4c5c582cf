import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { ResponseError, type ErrorLike } from '@backstage/errors';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Button, Flex, Text, TextField } from '@backstage/ui';
import FormHelperText from '@material-ui/core/FormHelperText';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import { usePoolLayeringSettings } from '../../hooks/usePoolLayeringSettings';
import { poolFromForm } from '../fieldContext';
import {
  apiVersionOf,
  isPoolSetting,
  POOL_SETTINGS,
  poolSettingValue,
  settingHolder,
  settingIssues,
  type LayeringPoolSettingOptions,
} from './rules';

const SETTING_TITLES = {
  renderedImagePushSpec: 'Push spec',
  renderedImagePushSecret: 'Push secret',
  baseImagePullSecret: 'Base image pull secret',
  osImageURL: 'Layered image',
  layeringMode: 'How the pool is layered',
  machineConfigName: 'MachineConfig that sets osImageURL',
};

/** What the field says when the pool has nothing for the setting. */
const NOTHING_TO_START_FROM: Record<
  'MachineOSConfig' | 'MachineConfig' | 'layering',
  (pool: string) => string
> = {
  layering: pool =>
    `Pool ${pool} reports no layered image, so how it is layered cannot be detected: enter on-cluster or out-of-cluster.`,
  MachineOSConfig: pool =>
    `Pool ${pool} has no MachineOSConfig to start from: enter the value.`,
  MachineConfig: pool =>
    `Pool ${pool} has no MachineConfig that sets osImageURL to start from: enter the value.`,
};

/** What a detected layering mode means, for the read-only sentence. */
const MODE_SENTENCES: Record<string, (pool: string, name: string) => string> = {
  'on-cluster': (pool, name) =>
    `Detected: pool ${pool} is layered on the cluster, by MachineOSConfig ${name}.`,
  'out-of-cluster': (pool, name) =>
    `Detected: pool ${pool} is layered out of the cluster, by MachineConfig ${name}, which sets its osImageURL.`,
};

/** How often a prefill the form dropped is made again. */
const MAX_PREFILL_ATTEMPTS = 3;

/** The backend's own message for an HTTP error, else the error's. */
function reasonOf(error: ErrorLike): string {
  return ResponseError.is(error) && error.body?.error?.message
    ? error.body.error.message
    : error.message;
}

/**
 * Scaffolder field: a text input that starts from one of the chosen pool's
 * current layering settings (the push spec or a secret name of its
 * MachineOSConfig, or the osImageURL of its MachineConfig). Each pool fills
 * it at most once, and only while the user has not typed anything of their
 * own; secrets are names of Kubernetes secrets, never their contents.
 *
 * @public
 */
export function LayeringPoolSetting(
  props: FieldExtensionComponentProps<string, LayeringPoolSettingOptions>,
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
  const options: LayeringPoolSettingOptions = uiSchema['ui:options'] ?? {};
  const setting = isPoolSetting(options.setting) ? options.setting : undefined;
  const api = useApi(layeringApiRef);
  const { cluster, pool } = poolFromForm(props.formContext?.formData, options);
  // Only the current pool's answer: never the previous pool's while it loads.
  const current = usePoolLayeringSettings(cluster, setting ? pool : undefined);
  const { settings, forPool: poolKey } = current;
  const fromPool = setting ? poolSettingValue(settings, setting) : undefined;
  const poolValue = fromPool?.value ?? undefined;

  // The push spec rules depend on the MachineOSConfig version the cluster serves.
  const clusterInfo = useAsync(
    async () =>
      cluster && setting === 'renderedImagePushSpec'
        ? api.getCluster(cluster)
        : undefined,
    [api, cluster, setting],
  );

  // The pool last prefilled from, and what was put in: each pool fills the field at most once,
  // and only over an empty field, the template default, or an earlier prefill left unedited.
  // `confirmed` turns true once the form shows the prefill: the scaffolder's form (RJSF) keeps only
  // one of two sibling fields' changes made in the same tick (two prefills answered together), so
  // a prefill the form dropped is made again while the field is still untouched, a few times at most.
  const prefilled = useRef<{
    key: string;
    value: string | undefined;
    confirmed: boolean;
    attempts: number;
  }>();
  // Bumped with every prefill, so the effect looks again once the form has had its turn.
  const [prefillTick, setPrefillTick] = useState(0);
  useEffect(() => {
    if (!settings || !poolKey || !setting) return;
    const last = prefilled.current;
    if (last?.key === poolKey) {
      if (last.confirmed || last.value === undefined) return;
      if (formData === last.value) {
        last.confirmed = true;
      } else if (
        (!formData || formData === schema.default) &&
        last.attempts < MAX_PREFILL_ATTEMPTS
      ) {
        last.attempts += 1;
        onChange(last.value);
        setPrefillTick(t => t + 1);
      } else {
        last.confirmed = true;
      }
      return;
    }
    const earlier = last?.value;
    const untouched =
      !formData ||
      formData === schema.default ||
      (earlier !== undefined && formData === earlier);
    const next = poolValue;
    // The pool counts as seen either way, so clearing the field later does not refill it.
    prefilled.current = {
      key: poolKey,
      value: untouched ? next : earlier,
      confirmed: !untouched || next === undefined || next === formData,
      attempts: 1,
    };
    if (!untouched) return;
    if (next !== undefined && next !== formData) {
      onChange(next);
      setPrefillTick(t => t + 1);
    } else if (
      next === undefined &&
      earlier !== undefined &&
      formData === earlier
    ) {
      // Another pool's value has no business here.
      onChange(undefined);
    }
  }, [
    prefillTick,
    settings,
    poolKey,
    setting,
    poolValue,
    formData,
    schema.default,
    onChange,
  ]);

  if (!setting) {
    return (
      <FormHelperText error>
        {`ui:options.setting of ${
          schema.title ?? 'this field'
        } must be one of ${POOL_SETTINGS.join(', ')}.`}
      </FormHelperText>
    );
  }

  const value = formData ?? '';
  const apiVersion =
    apiVersionOf(
      settings?.mode === 'on-cluster' ? settings.apiVersion : null,
    ) ??
    clusterInfo.value?.machineOSConfigApiVersion ??
    undefined;
  const issues = settingIssues(formData, setting, apiVersion);
  const errors = issues.filter(i => i.severity === 'error').map(i => i.message);
  const warnings = issues
    .filter(i => i.severity === 'warning')
    .map(i => i.message);
  const holder = settingHolder(setting);
  const source = fromPool ? `${fromPool.holder} ${fromPool.name}` : undefined;

  // A detected layering mode is a fact about the pool, not a question: it is shown, not asked.
  const detected =
    setting === 'layeringMode' && fromPool?.value && value === fromPool.value
      ? MODE_SENTENCES[fromPool.value]?.(pool ?? '', fromPool.name)
      : undefined;
  if (detected) {
    return (
      <Flex direction="column" gap="1">
        <Text as="span" variant="body-medium" weight="bold">
          {schema.title ?? SETTING_TITLES[setting]}
        </Text>
        <Text as="span" variant="body-medium" aria-live="polite">
          {detected}
        </Text>
      </Flex>
    );
  }

  return (
    <Flex direction="column" gap="1">
      <TextField
        label={schema.title ?? SETTING_TITLES[setting]}
        description={schema.description}
        isRequired={required}
        isDisabled={disabled}
        // The scaffolder form validates: native validity would block its submit, and with it
        // the only way to clear these errors.
        validationBehavior="aria"
        isInvalid={errors.length > 0 || (rawErrors?.length ?? 0) > 0}
        value={value}
        onChange={text => onChange(text === '' ? undefined : text)}
      />
      <div aria-live="polite">
        {fromPool?.value && value === fromPool.value && (
          <FormHelperText>From the pool's {source}</FormHelperText>
        )}
        {fromPool?.value && value !== fromPool.value && (
          <Flex align="center" gap="2">
            <Text as="span" variant="body-small" color="secondary">
              {`The pool's ${source} has ${fromPool.value}.`}
            </Text>
            <Button
              size="small"
              variant="tertiary"
              onPress={() => onChange(fromPool.value ?? undefined)}
            >
              Use the pool's value
            </Button>
          </Flex>
        )}
        {fromPool && !fromPool.value && (
          <FormHelperText>
            {setting === 'baseImagePullSecret'
              ? `The pool's ${source} names none: the MCO pulls the base image with its copy of the global pull secret.`
              : `The pool's ${source} sets none.`}
          </FormHelperText>
        )}
        {settings && !fromPool && (
          <FormHelperText>
            {NOTHING_TO_START_FROM[holder](pool ?? '')}
          </FormHelperText>
        )}
        {current.error && (
          <FormHelperText>
            <Text as="span" variant="body-small" color="warning">
              {`Could not read the current settings of pool ${pool} (${reasonOf(
                current.error,
              )}); enter the value.`}
            </Text>
          </FormHelperText>
        )}
        {warnings.map(message => (
          <FormHelperText key={`w-${message}`}>
            <Text as="span" variant="body-small" color="warning">
              Warning: {message}
            </Text>
          </FormHelperText>
        ))}
      </div>
      {/* The form lists the validator's errors (rawErrors) under the field itself. */}
      {errors
        .filter(error => !rawErrors?.includes(error))
        .map(error => (
          <FormHelperText key={error} error>
            {error}
          </FormHelperText>
        ))}
    </Flex>
  );
}
