import { createSetPoolPausedAction } from '../services/setPoolPaused';
import { examples } from './poolPause.examples';
import type { LayeringActionOptions } from '../services/actionOptions';

/**
 * Creates `layering:pool:pause`, which sets `spec.paused: true` on a MachineConfigPool.
 *
 * @public
 */
export function createPoolPauseAction(options: LayeringActionOptions) {
  return createSetPoolPausedAction(options, true, examples);
}
