import {
  MCO_ANNOTATIONS,
  type PinnedBase,
} from '@rhcos-layering/plugin-layering-common';
import type { MachineConfig, MachineConfigPool } from '../kubernetes/types';
import { selectorMatches } from '../kubernetes/lookups';

/**
 * The MachineConfig whose `osImageURL` the pool's render takes, as the MCO merges them:
 * the configs the pool selects, role `worker` first and then the others, each group by name;
 * the last non-generated one with an `osImageURL` wins. Null when none sets one.
 */
export function findPinnedBase(
  pool: MachineConfigPool,
  machineConfigs: MachineConfig[],
): PinnedBase | null {
  const role = (mc: MachineConfig) =>
    mc.metadata.labels?.[MCO_ANNOTATIONS.role];
  const selected = machineConfigs
    .filter(mc =>
      selectorMatches(pool.spec?.machineConfigSelector, mc.metadata.labels),
    )
    .sort((a, b) => {
      const aWorker = role(a) === 'worker' ? 0 : 1;
      const bWorker = role(b) === 'worker' ? 0 : 1;
      // Byte order, as Go sorts the names.
      let byName = 0;
      if (a.metadata.name < b.metadata.name) byName = -1;
      else if (a.metadata.name > b.metadata.name) byName = 1;
      return aWorker - bWorker || byName;
    });
  let winner: MachineConfig | undefined;
  for (const mc of selected) {
    const generated =
      mc.metadata.annotations?.[MCO_ANNOTATIONS.generatedByControllerVersion] !==
      undefined;
    if (!generated && mc.spec?.osImageURL) winner = mc;
  }
  if (!winner) return null;
  return {
    machineConfig: winner.metadata.name,
    image: winner.spec!.osImageURL!,
    inherited: pool.metadata.name !== 'worker' && role(winner) === 'worker',
  };
}
