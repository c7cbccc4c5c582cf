import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * The `layering.actions` settings, parsed once at start-up.
 *
 * @public
 */
export interface LayeringActionsConfig {
  fieldManager: string;
  allowedUrlHosts: string[];
  allowedPackages: string[];
  allowDegradedOverride: boolean;
  maxRetries: number;
  maxRetryAfterMs: number;
  /** Time limits of outgoing calls, in milliseconds; defaults apply to any left out. */
  timeouts?: Partial<LayeringActionsTimeouts>;
}

/**
 * Time limits of the actions' outgoing calls, in milliseconds.
 *
 * @public
 */
export interface LayeringActionsTimeouts {
  /** Each attempt of a call to a cluster's API server. */
  clusterMs: number;
  /** Each call to a forge API (GitLab). */
  forgeMs: number;
  /** Each call to the layering backend. */
  layeringBackendMs: number;
}

/**
 * The time limits used when configuration gives none.
 *
 * @public
 */
export const DEFAULT_ACTION_TIMEOUTS: LayeringActionsTimeouts = {
  clusterMs: 30_000,
  forgeMs: 30_000,
  layeringBackendMs: 15_000,
};

function readTimeout(actions: Config | undefined, key: string, fallbackMs: number): number {
  const seconds = actions?.getOptionalNumber(`timeouts.${key}`);
  if (seconds === undefined) {
    return fallbackMs;
  }
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new InputError(
      `layering.actions.timeouts.${key} must be a number of seconds above 0 and at most 3600`,
    );
  }
  return Math.round(seconds * 1000);
}

const FIELD_MANAGER_PATTERN = /^[a-z0-9][a-z0-9.-]{0,127}$/;

/**
 * Reads `layering.actions` from config, with defaults.
 *
 * @public
 */
export function readLayeringActionsConfig(config: Config): LayeringActionsConfig {
  const actions = config.getOptionalConfig('layering.actions');
  const fieldManager = actions?.getOptionalString('fieldManager') ?? 'backstage-layering';
  if (!FIELD_MANAGER_PATTERN.test(fieldManager)) {
    throw new InputError(
      `layering.actions.fieldManager must be lower-case letters, digits, dots and dashes, got "${fieldManager}"`,
    );
  }
  const maxRetries = actions?.getOptionalNumber('maxRetries') ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
    throw new InputError('layering.actions.maxRetries must be an integer from 0 to 10');
  }
  return {
    fieldManager,
    allowedUrlHosts: actions?.getOptionalStringArray('allowedUrlHosts') ?? [],
    allowedPackages: actions?.getOptionalStringArray('allowedPackages') ?? [],
    allowDegradedOverride: actions?.getOptionalBoolean('allowDegradedOverride') ?? false,
    maxRetries,
    maxRetryAfterMs: (actions?.getOptionalNumber('maxRetryAfterSeconds') ?? 30) * 1000,
    timeouts: {
      clusterMs: readTimeout(actions, 'clusterSeconds', DEFAULT_ACTION_TIMEOUTS.clusterMs),
      forgeMs: readTimeout(actions, 'forgeSeconds', DEFAULT_ACTION_TIMEOUTS.forgeMs),
      layeringBackendMs: readTimeout(
        actions,
        'layeringBackendSeconds',
        DEFAULT_ACTION_TIMEOUTS.layeringBackendMs,
      ),
    },
  };
}
