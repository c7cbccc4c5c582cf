import { createSetPoolPausedAction } from '../services/setPoolPaused';
import { examples } from './poolResume.examples';
import type { LayeringActionOptions } from '../services/actionOptions';

/**
 * Creates `layering:pool:resume`, which sets `spec.paused: false` on a MachineConfigPool.
 *
 * @public
 */
export function createPoolResumeAction(options: LayeringActionOptions) {
  return createSetPoolPausedAction(options, false, examples);
}
