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
  };
}
