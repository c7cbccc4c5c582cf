import { createPoolPausedAction } from './poolPaused';
import { examples } from './poolResume.examples';
import type { LayeringActionOptions } from './types';

/**
 * Creates `layering:pool:resume`, which sets `spec.paused: false` on a MachineConfigPool.
 *
 * @public
 */
export function createPoolResumeAction(options: LayeringActionOptions) {
  return createPoolPausedAction(options, false, examples);
}
