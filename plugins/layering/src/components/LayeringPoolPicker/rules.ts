import type {
  ClusterView,
  LayeringMode,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { isClusterDown } from '../../lib/presentation';

/**
 * `ui:options` of the `LayeringPoolPicker` field.
 *
 * @public
 */
export interface LayeringPoolPickerOptions {
  /** Only pools in one of these layering modes can be chosen. */
  requireMode?: LayeringMode | LayeringMode[];
  /** Refuse pools with degraded nodes or a Degraded condition (default `true`). */
  forbidDegraded?: boolean;
  /** Refuse paused pools (default `false`). */
  forbidPaused?: boolean;
  /** Refuse pools with a build in progress (default `false`). */
  forbidBuilding?: boolean;
  /** Only offer pools of these clusters. */
  allowedClusters?: string[];
}

/**
 * The value of the `LayeringPoolPicker` field.
 *
 * @public
 */
export interface LayeringPoolPickerValue {
  cluster: string;
  pool: string;
}

const MODE_NAMES: Record<LayeringMode, string> = {
  none: 'not layered',
  'on-cluster': 'on-cluster layered',
  'out-of-cluster': 'out-of-cluster layered',
};

function isDegraded(pool: PoolView): boolean {
  return (
    pool.degradedMachineCount > 0 ||
    pool.conditions.some(c => /Degraded$/.test(c.type) && c.status === 'True')
  );
}

/**
 * Why a pool cannot take the request the template makes, as sentences a
 * person can act on; empty when it can.
 */
export function poolRefusals(
  pool: PoolView,
  cluster: Pick<ClusterView, 'status'> | undefined,
  options: LayeringPoolPickerOptions = {},
): string[] {
  const reasons: string[] = [];
  if (pool.stale || isClusterDown(cluster?.status)) {
    reasons.push(
      `The portal cannot read cluster ${pool.cluster} right now, so the pool's state is unknown.`,
    );
  }
  let modes: LayeringMode[] | undefined;
  if (options.requireMode !== undefined) {
    modes = Array.isArray(options.requireMode)
      ? options.requireMode
      : [options.requireMode];
  }
  if (modes && modes.length > 0 && !modes.includes(pool.layering.mode)) {
    reasons.push(
      `Pool ${pool.name} is ${
        MODE_NAMES[pool.layering.mode]
      }; this template needs a pool that is ${modes
        .map(m => MODE_NAMES[m])
        .join(' or ')}.`,
    );
  }
  if ((options.forbidDegraded ?? true) && isDegraded(pool)) {
    reasons.push(
      `Pool ${pool.name} is degraded${
        pool.degradedMachineCount > 0
          ? ` (${pool.degradedMachineCount} node${
              pool.degradedMachineCount === 1 ? '' : 's'
            })`
          : ''
      }: fix it before changing its image.`,
    );
  }
  if (options.forbidPaused && pool.paused) {
    reasons.push(`Pool ${pool.name} is paused; resume it first.`);
  }
  if (
    options.forbidBuilding &&
    pool.build &&
    (pool.build.state === 'Building' || pool.build.state === 'Prepared')
  ) {
    reasons.push(
      `Pool ${pool.name} has build ${pool.build.name} in progress; wait for it to finish.`,
    );
  }
  return reasons;
}

/** Parses a picker value, which rjsf may hand over half-filled. */
export function asPickerValue(
  value: unknown,
): Partial<LayeringPoolPickerValue> {
  if (!value || typeof value !== 'object') {
    return {};
  }
  const { cluster, pool } = value as Record<string, unknown>;
  return {
    cluster: typeof cluster === 'string' && cluster ? cluster : undefined,
    pool: typeof pool === 'string' && pool ? pool : undefined,
  };
}
