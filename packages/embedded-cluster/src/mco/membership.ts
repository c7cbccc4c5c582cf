import type { K8sObject } from '../store/types';
import { ARBITER_POOL, MASTER_POOL, WORKER_POOL } from './constants';
import { LabelSelector, selectorMatches } from './util';

/** The pool a node belongs to, or why it belongs to none. */
export interface Membership {
  pool?: string;
  error?: string;
}

const BUILT_IN = new Set([MASTER_POOL, WORKER_POOL, ARBITER_POOL]);

/**
 * Which pool a node belongs to (FACTS §2.2): a node belongs to one pool; several matching custom
 * pools are an error; a custom pool plus master resolves to master; a custom pool plus worker to
 * the custom pool; master plus worker to master (single-node and compact clusters).
 */
export function poolForNode(node: K8sObject, pools: K8sObject[]): Membership {
  const matching = pools
    .filter(p =>
      selectorMatches(
        (p.spec as { nodeSelector?: LabelSelector } | undefined)?.nodeSelector,
        node.metadata.labels,
      ),
    )
    .map(p => p.metadata.name)
    .sort();
  if (matching.length === 0) return {};
  if (matching.length === 1) return { pool: matching[0] };
  const custom = matching.filter(n => !BUILT_IN.has(n));
  if (custom.length > 1) {
    return {
      error: `node ${node.metadata.name} belongs to ${custom.length} custom pools (${custom.join(', ')}); it can belong to one only`,
    };
  }
  if (matching.includes(MASTER_POOL)) return { pool: MASTER_POOL };
  if (matching.includes(ARBITER_POOL)) return { pool: ARBITER_POOL };
  if (custom.length === 1) return { pool: custom[0] };
  return { pool: matching[0] };
}
