import type { K8sObject } from '../store/types';
import { clusterVersionOf } from '../state/loadState';
import { ApiError } from './status';
import type { ServerContext, Target } from './context';

/**
 * The admission policies the MCO ships that the embedded cluster enforces on API writes (not on
 * objects loaded from a state, nor on the simulation's own writes, as a real cluster's
 * controllers write through the API server but a state is what etcd already holds).
 *
 * `custom-machine-config-pool-selector` (the MCO's
 * manifests/machineconfigcontroller/custom-machine-config-pool-selector-validatingadmissionpolicy.yaml
 * and its binding `custom-machine-config-pool-selector-binding`, `validationActions: [Deny]`):
 * on create and update of a MachineConfigPool, the `machineConfigSelector` must be one of
 * - `matchLabels` whose role label is `master`, `worker` or `arbiter` (the built-in pools), or
 * - `matchExpressions` with a role expression `In` a list holding `worker`, or `NotIn` a list
 *   without it,
 * so every custom pool takes the worker MachineConfigs. Clusters before 4.18 do not have it.
 */

const ROLE = 'machineconfiguration.openshift.io/role';
const POLICY = 'custom-machine-config-pool-selector';
const BINDING = 'custom-machine-config-pool-selector-binding';
const MESSAGE =
  "All custom MachineConfigPools must inherit from the worker pool and must have a machineConfigSelector that matches for a 'machineconfiguration.openshift.io/role: worker' label";

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }>;
}

/** Whether the pool's selector passes the MCO's custom pool policy. */
export function selectsWorkerConfigs(pool: K8sObject): boolean {
  const selector = (pool.spec as { machineConfigSelector?: Selector } | undefined)
    ?.machineConfigSelector;
  // Where the policy's expression would fail to evaluate (no selector, matchLabels without the
  // role key and no passing expression), its failurePolicy Fail refuses the write too; the
  // embedded cluster answers those with the policy's own message.
  const role = selector?.matchLabels?.[ROLE];
  if (role === 'master' || role === 'worker' || role === 'arbiter') return true;
  return (selector?.matchExpressions ?? []).some(
    e =>
      e.key === ROLE &&
      ((e.operator === 'In' && (e.values ?? []).includes('worker')) ||
        (e.operator === 'NotIn' && !(e.values ?? []).includes('worker'))),
  );
}

/** Whether the cluster's release ships the policy (4.18 and later; a cluster without a version does). */
function policyInstalled(ctx: ServerContext): boolean {
  const cv = ctx.store.peekList('clusterversions')[0] as K8sObject | undefined;
  const version = cv ? clusterVersionOf(cv) : undefined;
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return true;
  return Number(m[1]) > 4 || (Number(m[1]) === 4 && Number(m[2]) >= 18);
}

/**
 * Run the validating admission policies on an object about to be created or updated through the
 * API (dry runs included). Throws the API server's denial: 422 `Invalid` (a policy without its
 * own `reason`), message `<resource>.<group> "<name>" is forbidden: ValidatingAdmissionPolicy
 * '<policy>' with binding '<binding>' denied request: <message>`, and the same text as the one
 * cause.
 */
export function admit(ctx: ServerContext, target: Target, object: K8sObject): void {
  if (target.subresource) return;
  if (target.info.resource !== 'machineconfigpools') return;
  if (selectsWorkerConfigs(object) || !policyInstalled(ctx)) return;
  const denial = `ValidatingAdmissionPolicy '${POLICY}' with binding '${BINDING}' denied request: ${MESSAGE}`;
  const name = object.metadata.name;
  throw new ApiError(
    422,
    'Invalid',
    `${target.info.resource}.${target.info.group} "${name}" is forbidden: ${denial}`,
    {
      name,
      group: target.info.group,
      kind: target.info.resource,
      causes: [{ message: denial }],
    },
  );
}
