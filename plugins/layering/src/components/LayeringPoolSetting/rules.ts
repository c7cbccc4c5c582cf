import {
  validateDigestImage,
  validateDns1123Subdomain,
  validatePushSpec,
  type MachineOSConfigApiVersion,
  type PoolLayeringSettings,
  type ValidationIssue,
} from '@rhcos-layering/plugin-layering-common';

/**
 * Settings of a pool's layering that the `LayeringPoolSetting` field can
 * start from, the values its `ui:options.setting` takes.
 *
 * @public
 */
export const POOL_SETTINGS = [
  'renderedImagePushSpec',
  'renderedImagePushSecret',
  'baseImagePullSecret',
  'osImageURL',
  'layeringMode',
  'machineConfigName',
] as const;

/**
 * One setting of a pool's layering: the push spec, push secret name or base
 * image pull secret name of its MachineOSConfig (on-cluster), or the
 * `osImageURL` of its MachineConfig (out-of-cluster); `layeringMode` is how
 * the pool is layered (`on-cluster` or `out-of-cluster`, detected so a form
 * need not ask), `machineConfigName` the name of the MachineConfig that sets
 * its `osImageURL`.
 *
 * @public
 */
export type LayeringPoolSettingName = (typeof POOL_SETTINGS)[number];

/**
 * `ui:options` of the `LayeringPoolSetting` field.
 *
 * @public
 */
export interface LayeringPoolSettingOptions {
  /**
   * Which setting of the pool the field starts from. Required: without a
   * known setting the field only says which ones it takes.
   */
  setting?: LayeringPoolSettingName;
  /** Form field holding the `LayeringPoolPicker` value (default `target`). */
  poolField?: string;
  /** A fixed cluster, instead of the one chosen in the form. */
  cluster?: string;
}

/** Whether a `ui:options.setting` value names a setting the field knows. */
export function isPoolSetting(
  value: unknown,
): value is LayeringPoolSettingName {
  return (POOL_SETTINGS as readonly unknown[]).includes(value);
}

/** The object of a pool that holds a setting. */
export function settingHolder(
  setting: LayeringPoolSettingName,
): 'MachineOSConfig' | 'MachineConfig' | 'layering' {
  if (setting === 'layeringMode') return 'layering';
  return setting === 'osImageURL' || setting === 'machineConfigName'
    ? 'MachineConfig'
    : 'MachineOSConfig';
}

/** The two ways a pool is layered, the values of the `layeringMode` setting. */
export const LAYERING_MODES = ['on-cluster', 'out-of-cluster'] as const;

/** What a pool has today for one setting, and which object says so. */
export interface PoolSettingValue {
  /** Null when the object leaves the setting unset. */
  value: string | null;
  holder: 'MachineOSConfig' | 'MachineConfig';
  /** Name of the MachineOSConfig or MachineConfig. */
  name: string;
}

/**
 * The pool's current value of `setting`; undefined when the pool has no
 * layering of the kind that holds it (no MachineOSConfig for the build
 * settings, no osImageURL MachineConfig for `osImageURL`). Secrets are
 * given by name only: the settings never carry secret contents.
 */
export function poolSettingValue(
  settings: PoolLayeringSettings | undefined,
  setting: LayeringPoolSettingName,
): PoolSettingValue | undefined {
  if (!settings) return undefined;
  if (setting === 'layeringMode') {
    if (settings.mode === 'none') return undefined;
    return {
      value: settings.mode,
      holder:
        settings.mode === 'on-cluster' ? 'MachineOSConfig' : 'MachineConfig',
      name: settings.name,
    };
  }
  if (setting === 'machineConfigName') {
    return settings.mode === 'out-of-cluster'
      ? { value: settings.name, holder: 'MachineConfig', name: settings.name }
      : undefined;
  }
  if (setting === 'osImageURL') {
    return settings.mode === 'out-of-cluster'
      ? {
          value: settings.osImageURL,
          holder: 'MachineConfig',
          name: settings.name,
        }
      : undefined;
  }
  if (settings.mode !== 'on-cluster') return undefined;
  return {
    value: settings[setting] || null,
    holder: 'MachineOSConfig',
    name: settings.name,
  };
}

/** `v1` or `v1alpha1` from a served `group/version`, when it is one of them. */
export function apiVersionOf(
  apiVersion: string | null | undefined,
): MachineOSConfigApiVersion | undefined {
  const version = apiVersion?.split('/').pop();
  return version === 'v1' || version === 'v1alpha1' ? version : undefined;
}

/**
 * What the scaffolder actions would say about a value of `setting`: the push
 * spec rules of the served MachineOSConfig version, a DNS-1123 name for
 * secrets, an image by digest for `osImageURL`. An empty value has no issue
 * here; whether it is required is the template's schema to say.
 */
export function settingIssues(
  value: string | undefined,
  setting: LayeringPoolSettingName,
  apiVersion?: MachineOSConfigApiVersion,
): ValidationIssue[] {
  if (!value) return [];
  switch (setting) {
    case 'renderedImagePushSpec':
      return validatePushSpec(value, { field: setting, apiVersion });
    case 'renderedImagePushSecret':
      return validateDns1123Subdomain(value, setting, 'push secret name');
    case 'baseImagePullSecret':
      return validateDns1123Subdomain(
        value,
        setting,
        'base image pull secret name',
      );
    case 'osImageURL':
      return validateDigestImage(value, setting, 'layered image');
    case 'machineConfigName':
      return validateDns1123Subdomain(value, setting, 'MachineConfig name');
    case 'layeringMode':
      return (LAYERING_MODES as readonly string[]).includes(value)
        ? []
        : [
            {
              field: setting,
              severity: 'error',
              message: `"${value}" is not a layering mode: on-cluster or out-of-cluster.`,
            },
          ];
    default:
      return [];
  }
}
