import {
  createConditionAuthorizer,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import type { PolicyDecision } from '@backstage/plugin-permission-common';
import type { LayeringPoolQuery, LayeringPoolResource } from './resource';
import { layeringPoolPermissionRules } from './rules';

const rules = Object.values(layeringPoolPermissionRules);

/** The pool rules as a ruleset, for evaluating conditional decisions in this plugin. */
export const layeringPoolRuleset: PermissionRuleset<LayeringPoolResource, LayeringPoolQuery> = {
  getRuleByName(name) {
    const rule = rules.find(r => r.name === name);
    if (!rule) {
      throw new Error(`Unknown pool permission rule ${name}`);
    }
    return rule;
  },
};

/**
 * Whether a decision (ALLOW, DENY, or CONDITIONAL on pool rules) allows a pool; a missing pool
 * is never allowed by a conditional decision.
 */
export const isPoolAllowed: (
  decision: PolicyDecision,
  resource: LayeringPoolResource | undefined,
) => boolean = createConditionAuthorizer(layeringPoolRuleset);
