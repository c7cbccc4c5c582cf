import { createPoolPausedAction } from './poolPaused';
import { examples } from './poolPause.examples';
import type { LayeringActionOptions } from './types';

/**
 * Creates `layering:pool:pause`, which sets `spec.paused: true` on a MachineConfigPool.
 *
 * @public
 */
export function createPoolPauseAction(options: LayeringActionOptions) {
  return createPoolPausedAction(options, true, examples);
}
