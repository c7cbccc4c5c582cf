import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  assertError,
  toError,
} from '@backstage/errors';
import yaml from 'yaml';
import { LAYERING_REQUEST_ANNOTATIONS, checkLayeringContent } from '@rhcos-layering/plugin-layering-common';
import * as inputs from '../services/inputProperties';
import * as outputs from '../services/outputProperties';
import { examples } from './clusterApply.examples';
import { recordAppliedChange, recordRequestOnce, requireDirectApply } from '../services/requests';
import type { LayeringActionOptions } from '../services/actionOptions';
import { assertResourceName, throwIfErrors } from '../services/validation';
import { runPreflight } from '../services/preflight';
import { buildPushSecret } from '../kubernetes/pushSecret';
import type { FormFieldMap } from '../kubernetes/errors';
import { KubeObject, MCO_GROUP } from '../kubernetes/types';
import type { ClusterClient } from '../kubernetes/ClusterClient';

/** Object fields mapped to the template form fields that produce them, for 422 answers. */
export const MANIFEST_FORM_FIELDS: FormFieldMap = {
  'spec.renderedImagePushSpec': 'pushSpec',
  'spec.buildInputs.renderedImagePushspec': 'pushSpec',
  'spec.renderedImagePushSecret': 'pushSecret',
  'spec.buildInputs.renderedImagePushSecret': 'pushSecret',
  'spec.baseImagePullSecret': 'baseImagePullSecret',
  'spec.buildInputs.baseImagePullSecret': 'baseImagePullSecret',
  'spec.containerFile': 'containerfile',
  'spec.buildInputs.containerFile': 'containerfile',
  'spec.machineConfigPool': 'pool',
  'spec.osImageURL': 'image',
  'spec.baseOSExtensionsContainerImage': 'extensionsImage',
  'metadata.name': 'name',
  'metadata.labels': 'pool',
};

const REQUEST_KINDS = [
  'on-cluster-layer',
  'out-of-cluster-layer',
  'modify',
  'rebase',
] as const;

interface LoadedManifest {
  path: string;
  object: KubeObject;
}

/** Reads and checks the manifests a render step wrote into the workspace. */
async function loadManifests(
  workspacePath: string,
  paths: string[],
  pool: string,
  moscVersion: 'v1' | 'v1alpha1' | null,
): Promise<LoadedManifest[]> {
  const loaded: Array<LoadedManifest & { field: string }> = [];
  for (const [index, relative] of paths.entries()) {
    const field = `manifests[${index}]`;
    let absolute: string;
    try {
      absolute = resolveSafeChildPath(workspacePath, relative);
    } catch {
      throw new InputError(`${field}: ${relative} is outside the workspace`);
    }
    let text: string;
    try {
      text = await fs.readFile(absolute, 'utf8');
    } catch {
      throw new InputError(`${field}: ${relative} does not exist in the workspace`);
    }
    const documents = yaml.parseAllDocuments(text);
    const objects: KubeObject[] = [];
    for (const document of documents) {
      if (document.errors.length > 0) {
        throw new InputError(`${field}: ${relative} is not valid YAML: ${document.errors[0].message}`);
      }
      let value: unknown;
      try {
        // toJS throws (a ReferenceError) on alias expansion that looks like a resource exhaustion attack.
        value = document.toJS();
      } catch (error) {
        assertError(error);
        throw new InputError(`${field}: ${relative} is not valid YAML: ${error.message}`);
      }
      if (value === null || value === undefined) {
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new InputError(`${field}: ${relative} must contain Kubernetes objects`);
      }
      const object = value as KubeObject;
      const name = object.metadata?.name;
      if (typeof name !== 'string') {
        throw new InputError(`${field}: an object in ${relative} has no metadata.name`);
      }
      assertResourceName(`${field} metadata.name`, name);
      if (object.metadata.namespace) {
        throw new InputError(`${field}: ${object.kind}/${name} must be cluster-scoped`);
      }
      objects.push(object);
    }
    // A file with several objects names each one: manifests[0][1].
    objects.forEach((object, position) =>
      loaded.push({
        path: relative,
        object,
        field: objects.length > 1 ? `${field}[${position}]` : field,
      }),
    );
  }
  if (loaded.length === 0) {
    throw new InputError('manifests: no objects to apply');
  }
  // Layering content only, every finding at once, before anything reaches the cluster.
  throwIfErrors(
    checkLayeringContent(loaded, { pool }),
    'The manifests carry more than layering content for this pool',
  );
  for (const { field, object } of loaded) {
    if (object.kind !== 'MachineOSConfig') continue;
    const version = object.apiVersion.split('/')[1];
    if (!moscVersion) {
      throw new InputError(
        `${field}: the cluster does not serve MachineOSConfig; on-cluster layering is not available there`,
      );
    }
    if (object.apiVersion !== `${MCO_GROUP}/${moscVersion}`) {
      throw new InputError(
        `${field}: MachineOSConfig ${object.metadata.name} is ${version}, but the cluster serves ${moscVersion}; render the request again`,
      );
    }
  }
  return loaded.map(({ path, object }) => ({ path, object }));
}

function refOf(object: KubeObject) {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
  };
}

const SECRET_ERROR_TYPES: Record<string, new (message: string) => Error> = {
  InputError,
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
  ConflictError,
  ServiceUnavailableError,
};

/**
 * Server-side applies a Secret. Whatever goes wrong, the error names the secret only: an API
 * server may quote the rejected value back, and that value is a credential.
 */
async function applySecret(
  client: ClusterClient,
  secret: KubeObject,
  fieldManager: string,
  dryRun: boolean,
): Promise<{ created: boolean; uid: string }> {
  const ref = refOf(secret);
  try {
    // Whether it existed is read by name as metadata only: the Secret's data is never read.
    const before = dryRun
      ? false
      : (await client.existingSecretNames(ref.namespace ?? '', [ref.name])).size > 0;
    const after = await client.apply(secret, { dryRun, fieldManager });
    return { created: !dryRun && !before, uid: after.metadata.uid ?? '' };
  } catch (error) {
    assertError(error);
    const ErrorType = SECRET_ERROR_TYPES[error.name] ?? ServiceUnavailableError;
    throw new ErrorType(
      `Could not ${dryRun ? 'validate' : 'write'} Secret ${secret.metadata.name} in ${secret.metadata.namespace} on cluster ${client.name} (${error.name}); details are withheld because the request carried credentials`,
    );
  }
}

/** Whether the live object already carries everything the manifest sets. */
function contains(live: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object') {
    return live === wanted;
  }
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(live) &&
      live.length === wanted.length &&
      wanted.every((w, i) => contains(live[i], w))
    );
  }
  if (live === null || typeof live !== 'object') {
    return false;
  }
  return Object.entries(wanted as Record<string, unknown>).every(([k, v]) =>
    contains((live as Record<string, unknown>)[k], v),
  );
}

/**
 * Creates `layering:cluster:apply`, which applies rendered MachineConfig / MachineOSConfig
 * manifests to a cluster with server-side apply after a server dry run. Gated by the
 * `layering.cluster.apply` permission of the user who runs the template.
 *
 * @public
 */
export function createClusterApplyAction(options: LayeringActionOptions) {
  return createTemplateAction({
    id: 'layering:cluster:apply',
    description:
      'Applies rendered layering manifests (MachineConfig or MachineOSConfig) to a cluster with server-side apply, after pre-flight checks and a server dry run',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        pool: inputs.pool,
        manifests: z =>
          z
            .array(z.string({ description: 'Workspace-relative path of a manifest file' }), {
              description:
                'Manifest files to apply, usually the manifestPaths output of layering:manifest:render',
            })
            .min(1)
            .max(10),
        requestKind: z =>
          z
            .enum(REQUEST_KINDS, { description: 'What kind of request this is, for the history' })
            .default('on-cluster-layer'),
        allowDegradedPool: z =>
          z
            .boolean({
              description:
                'Apply even though the pool reports Degraded (only honoured when layering.actions.allowDegradedOverride is true)',
            })
            .default(false),
        pushSecretFromCredentials: z =>
          z
            .boolean({
              description:
                'Create or update the MachineOSConfig push secret in openshift-machine-config-operator from the task secrets registryUsername and registryPassword (default false)',
            })
            .default(false),
        reason: inputs.reason,
        recordRequest: inputs.recordRequest,
      },
      output: {
        applied: z =>
          z.array(
            z.object({
              kind: z.string({ description: 'Object kind' }),
              name: z.string({ description: 'Object name' }),
              changed: z.boolean({ description: 'Whether this object changed' }),
            }),
            { description: 'Objects applied, in order' },
          ),
        changed: outputs.changed,
        warnings: outputs.warnings,
        requestId: outputs.requestId,
      },
    },
    async handler(ctx) {
      const {
        cluster,
        pool,
        manifests,
        requestKind = 'on-cluster-layer',
        allowDegradedPool = false,
        pushSecretFromCredentials = false,
        reason,
        recordRequest = true,
      } = ctx.input;
      assertResourceName('pool', pool);
      const client = await options.clusters.writer(cluster, { secrets: ctx.secrets });
      const moscVersion = await client.machineOSConfigApiVersion();
      const loaded = await loadManifests(ctx.workspacePath, manifests, pool, moscVersion);
      const mosc = loaded.find(m => m.object.kind === 'MachineOSConfig')?.object;
      const mc = loaded.find(m => m.object.kind === 'MachineConfig')?.object;
      if (pushSecretFromCredentials && !mosc) {
        throw new InputError(
          'pushSecretFromCredentials: only on-cluster layers (a MachineOSConfig) have a push secret',
        );
      }
      const pushSecret =
        pushSecretFromCredentials && mosc ? buildPushSecret(mosc, ctx.secrets) : undefined;

      const preflight = await runPreflight(client, options, {
        pool,
        mode: mosc ? 'on-cluster' : 'out-of-cluster',
        machineOSConfig: mosc,
        machineConfig: mc,
        allowDegradedPool,
        secretsToCreate: pushSecret ? [pushSecret.name] : [],
      });
      ctx.output('warnings', preflight.warnings);

      await requireDirectApply(ctx, options, { cluster, pool }, `apply changes to cluster ${cluster}`);
      ctx.logger.info('About to apply manifests', {
        cluster,
        pool,
        objects: loaded.map(m => `${m.object.kind}/${m.object.metadata.name}`),
      });

      const fieldManager = options.config.fieldManager;
      if (pushSecret) {
        ctx.logger.info('About to create or update the push secret from the task secrets', {
          cluster,
          secret: pushSecret.name,
          namespace: pushSecret.object.metadata.namespace,
        });
        await applySecret(client, pushSecret.object, fieldManager, true);
      }
      for (const { object } of loaded) {
        await client.apply(object, { dryRun: true, fieldManager, fields: MANIFEST_FORM_FIELDS });
      }
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: the server accepted every manifest; nothing was written', {
          cluster,
          pool,
        });
        ctx.output(
          'applied',
          loaded.map(m => ({ kind: m.object.kind, name: m.object.metadata.name, changed: true })),
        );
        ctx.output('changed', true);
        return;
      }

      const applied: Array<{ kind: string; name: string; changed: boolean }> = [];
      const created: KubeObject[] = [];
      try {
        if (pushSecret) {
          // Only the name and uid are checkpointed: checkpoint values are stored with the task.
          const result = await ctx.checkpoint({
            key: `layering.cluster.apply.${cluster}.push-secret.${pushSecret.name}`,
            fn: async () => applySecret(client, pushSecret.object, fieldManager, false),
          });
          if (result.created) {
            created.push({
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { ...pushSecret.object.metadata, uid: result.uid },
            });
          }
        }
        for (const { object } of loaded) {
          const digest = createHash('sha256').update(JSON.stringify(object)).digest('hex').slice(0, 16);
          const result = await ctx.checkpoint({
            key: `layering.cluster.apply.${cluster}.${object.kind}.${object.metadata.name}.${digest}`,
            fn: async () => applyOne(client, object, fieldManager),
          });
          if (result.created) {
            created.push({ ...object, metadata: { ...object.metadata, uid: result.uid } });
          }
          applied.push({ kind: object.kind, name: object.metadata.name, changed: result.changed });
          ctx.logger.info(result.changed ? 'Applied object' : 'Object already up to date', {
            cluster,
            kind: object.kind,
            name: object.metadata.name,
          });
        }
      } catch (error) {
        assertError(error);
        await rollback(ctx.logger, client, created);
        if (recordRequest) {
          await recordRequestOnce(ctx, options, {
            cluster,
            pool,
            kind: requestKind,
            delivery: 'direct',
            outcome: 'failed',
            summary: `Applying ${loaded.map(m => `${m.object.kind}/${m.object.metadata.name}`).join(', ')} failed: ${error.message}`.slice(0, 500),
          }).catch(recordError =>
            ctx.logger.warn('Could not record the failed request', toError(recordError)),
          );
        }
        throw error;
      }
      const changed = applied.some(a => a.changed);
      ctx.output('applied', applied);
      ctx.output('changed', changed);
      if (recordRequest && changed) {
        ctx.output(
          'requestId',
          await recordAppliedChange(ctx, options, {
            cluster,
            pool,
            kind: requestKind,
            delivery: 'direct',
            outcome: 'applied',
            summary: `Applied ${applied.map(a => `${a.kind}/${a.name}`).join(', ')}${
              reason ? `: ${reason}` : ''
            }`,
          }),
        );
      }
    },
  });
}

/**
 * The object without the request provenance annotations, which differ between two runs of the
 * same request (template run id): the same request applied again must change nothing.
 */
function withoutProvenance(object: KubeObject): KubeObject {
  const provenance = new Set<string>(Object.values(LAYERING_REQUEST_ANNOTATIONS));
  const annotations = Object.fromEntries(
    Object.entries(object.metadata.annotations ?? {}).filter(([k]) => !provenance.has(k)),
  );
  return { ...object, metadata: { ...object.metadata, annotations } };
}

async function applyOne(
  client: ClusterClient,
  object: KubeObject,
  fieldManager: string,
): Promise<{ changed: boolean; created: boolean; uid: string }> {
  const before = await client.get(refOf(object));
  if (before && contains(before, withoutProvenance(object))) {
    return { changed: false, created: false, uid: before.metadata.uid ?? '' };
  }
  const after = await client.apply(object, {
    fieldManager,
    fields: MANIFEST_FORM_FIELDS,
    isApplied: current => contains(current, object),
  });
  return {
    changed: !before || before.metadata.resourceVersion !== after.metadata.resourceVersion,
    created: !before,
    uid: after.metadata.uid ?? '',
  };
}

async function rollback(
  logger: { warn(message: string, meta?: object): void; error(message: string, error?: Error): void },
  client: ClusterClient,
  created: KubeObject[],
): Promise<void> {
  for (const object of created.reverse()) {
    logger.warn('Removing an object this run created, because a later write failed', {
      kind: object.kind,
      name: object.metadata.name,
    });
    await client
      .delete(refOf(object), { uid: object.metadata.uid })
      .catch(error => logger.error('Could not remove the object again', toError(error)));
  }
}
