import { useApi } from '@backstage/frontend-plugin-api';
import { Progress } from '@backstage/core-components';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Flex, Select, Text } from '@backstage/ui';
import FormHelperText from '@material-ui/core/FormHelperText';
import useAsync from 'react-use/esm/useAsync';
import type { ClusterView, PoolView } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef } from '../../api';
import {
  driftLabel,
  isClusterDown,
  layeringModeLabel,
} from '../../lib/presentation';
import { DriftBadge } from '../DriftBadge';
import { LoadError } from '../LoadError';
import {
  asPickerValue,
  poolRefusals,
  type LayeringPoolPickerOptions,
  type LayeringPoolPickerValue,
} from './rules';

function poolDescription(pool: PoolView, cluster?: ClusterView): string {
  const parts = [
    driftLabel(pool, cluster?.status),
    layeringModeLabel(pool.layering.mode),
    `${pool.rollout.updated}/${pool.rollout.total} updated`,
  ];
  if (pool.paused) parts.push('paused');
  if (pool.degradedMachineCount > 0) {
    parts.push(`${pool.degradedMachineCount} degraded`);
  }
  if (pool.build && pool.build.state !== 'Succeeded') {
    parts.push(`build ${pool.build.state.toLocaleLowerCase('en-US')}`);
  }
  return parts.join(' · ');
}

/**
 * Scaffolder field: a cluster and one of its pools. Each pool shows its
 * drift, layering and rollout; pools that cannot take the template's
 * request (see `ui:options`) are shown but cannot be chosen.
 *
 * @public
 */
export function LayeringPoolPicker(
  props: FieldExtensionComponentProps<
    LayeringPoolPickerValue,
    LayeringPoolPickerOptions
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
  const options: LayeringPoolPickerOptions = uiSchema['ui:options'] ?? {};
  const api = useApi(layeringApiRef);
  const value = asPickerValue(formData);

  const clusters = useAsync(() => api.getClusters(), [api]);
  const pools = useAsync(
    async () => (value.cluster ? api.getPools(value.cluster) : undefined),
    [api, value.cluster],
  );

  const allowed = (clusters.value ?? []).filter(
    c =>
      !options.allowedClusters ||
      options.allowedClusters.length === 0 ||
      options.allowedClusters.includes(c.name),
  );
  const cluster = allowed.find(c => c.name === value.cluster);
  const chosen = pools.value?.find(p => p.name === value.pool);
  const refusals = chosen ? poolRefusals(chosen, cluster, options) : [];

  return (
    <Flex direction="column" gap="2">
      {schema.title && (
        <Text as="label" variant="body-medium" weight="bold">
          {schema.title}
          {required ? ' *' : ''}
        </Text>
      )}
      {schema.description && (
        <Text as="p" variant="body-small" color="secondary">
          {schema.description}
        </Text>
      )}
      {clusters.loading && <Progress />}
      {clusters.error && <LoadError error={clusters.error} />}
      {clusters.value && (
        <Flex gap="3" align="start">
          <Select
            label="Cluster"
            isRequired={required}
            isDisabled={disabled}
            placeholder="Choose a cluster"
            options={allowed.map(c => ({
              id: c.name,
              label: c.name,
              description: isClusterDown(c.status)
                ? `Cluster ${c.status}`
                : `OpenShift ${c.release.version ?? 'unknown'}`,
            }))}
            selectedKey={value.cluster ?? null}
            onSelectionChange={key =>
              onChange(
                key === null
                  ? undefined
                  : // A cluster without a pool is an intermediate state that
                    // the field's validation refuses ("Choose a pool.").
                    ({ cluster: String(key) } as LayeringPoolPickerValue),
              )
            }
          />
          {value.cluster && (
            <Select
              label="Pool"
              isRequired={required}
              isDisabled={disabled || pools.loading || !pools.value}
              placeholder={pools.loading ? 'Loading pools…' : 'Choose a pool'}
              options={(pools.value ?? []).map(p => {
                const reasons = poolRefusals(p, cluster, options);
                return {
                  id: p.name,
                  label: p.name,
                  description:
                    reasons.length > 0
                      ? `Not available: ${reasons[0]}`
                      : poolDescription(p, cluster),
                  disabled: reasons.length > 0,
                };
              })}
              selectedKey={value.pool ?? null}
              onSelectionChange={key =>
                key !== null &&
                value.cluster &&
                onChange({ cluster: value.cluster, pool: String(key) })
              }
            />
          )}
        </Flex>
      )}
      {pools.error && <LoadError error={pools.error} />}
      {chosen && (
        <Flex align="center" gap="2">
          <DriftBadge pool={chosen} clusterStatus={cluster?.status} />
          <Text as="span" variant="body-small">
            {poolDescription(chosen, cluster)}
          </Text>
        </Flex>
      )}
      {/* The form lists the validator's errors (rawErrors) under the field itself. */}
      {refusals
        .filter(reason => !rawErrors?.includes(reason))
        .map(reason => (
          <FormHelperText key={reason} error>
            {reason}
          </FormHelperText>
        ))}
    </Flex>
  );
}
