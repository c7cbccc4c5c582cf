import { createConditionExports } from '@backstage/plugin-permission-node';
import { layeringPoolPermissionResourceRef } from './resource';
import { layeringPoolPermissionRules } from './rules';

const exported = createConditionExports({
  resourceRef: layeringPoolPermissionResourceRef,
  rules: layeringPoolPermissionRules,
});

/**
 * Conditions on pools for permission policies, e.g.
 * `layeringPoolConditions.isInCluster({ clusters: ['prod-east'] })`.
 * @public
 */
export const layeringPoolConditions = exported.conditions;

/**
 * Builds a conditional decision on a pool permission (`layering.pool.read`,
 * `layering.pool.request`, `layering.cluster.apply`) from pool conditions.
 * @public
 */
export const createLayeringPoolConditionalDecision = exported.createConditionalDecision;
