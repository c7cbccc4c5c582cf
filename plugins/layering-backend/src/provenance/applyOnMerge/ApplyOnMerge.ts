import type {
  AuditorService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, toError } from '@backstage/errors';
import {
  checkLayeringContent,
  type LayeringRequestEvent,
  type LayeringRequestRecord,
} from '@rhcos-layering/plugin-layering-common';
import {
  createClusterAccess,
  loadClientNode,
  readLayeringProvenance,
  type LayeringClustersService,
} from '@rhcos-layering/plugin-layering-node';
import { parseAllDocuments } from 'yaml';
import type {
  ProvenanceRequestStore,
  RequestChange,
} from '../ProvenanceLinker';
import type { ApplyClaims } from './ApplyClaims';
import type { MergedFile, MergedFilesSource } from './MergedFiles';

/** What {@link ApplyOnMerge.applyOnce} did with a request. */
export type ApplyOnceResult =
  /** Applied now. */
  | 'applied'
  /** Not its turn: applied already, held by another replica or path, refused before, backing off. */
  | 'skipped'
  /** Failed; tried again after the back-off. */
  | 'failed'
  /**
   * Refused (not the request's own layering content, no writer, or a newer merge for the pool
   * overtook it): not tried again on its own.
   */
  | 'refused';

/**
 * Failures that trying again cannot fix: the merged files are not what the portal may apply,
 * or the cluster or its writer is not configured.
 */
function isRefusal(error: Error): boolean {
  return error.name === 'InputError' || error.name === 'NotAllowedError';
}

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
};

/** True when `layering.clusters.options.<cluster>.applyOnMerge` is set. */
export function applyOnMergeEnabled(
  config: RootConfigService,
  cluster: string,
): boolean {
  const options = config.getOptionalConfig('layering.clusters.options');
  if (!options?.keys().includes(cluster)) return false;
  return options.getConfig(cluster).getOptionalBoolean('applyOnMerge') ?? false;
}

/** The objects of the merged files, each named by its file and position for findings. */
function parseObjects(
  files: MergedFile[],
): Array<{ field: string; object: unknown }> {
  const items: Array<{ field: string; object: unknown }> = [];
  for (const file of files) {
    const documents = parseAllDocuments(file.content);
    if (!Array.isArray(documents))
      throw new InputError(`${file.path}: not YAML`);
    documents.forEach((document, index) => {
      if (document.errors.length) {
        throw new InputError(
          `${file.path}[${index}]: ${document.errors[0].message}`,
        );
      }
      const object = document.toJS();
      if (object !== null && object !== undefined)
        items.push({ field: `${file.path}[${index}]`, object });
    });
  }
  return items;
}

/**
 * Apply on merge, for clusters without a GitOps controller (`applyOnMerge: true` per cluster):
 * when a request's pull request is recorded merged, the portal fetches the manifest files of the
 * merge commit and applies them itself with the cluster's writer credential. The merge is the
 * approval: the event names who merged. It applies only layering content for the request's pool
 * (`checkLayeringContent`) whose provenance names this request, runs a server dry run of every
 * object before it writes any, applies with server-side apply (so a second run changes nothing),
 * and is audited as `cluster-write`.
 */
export class ApplyOnMerge {
  readonly #config: RootConfigService;
  readonly #logger: LoggerService;
  readonly #auditor: AuditorService;
  readonly #clusters: LayeringClustersService;
  readonly #files: MergedFilesSource;
  readonly #requests: ProvenanceRequestStore;
  readonly #fieldManager: string;
  readonly #claims?: ApplyClaims;

  constructor(options: {
    config: RootConfigService;
    logger: LoggerService;
    auditor: AuditorService;
    clusters: LayeringClustersService;
    files: MergedFilesSource;
    requests: ProvenanceRequestStore;
    fieldManager: string;
    /** With claims, one replica (and one path) at a time applies a request, and failures are retried. */
    claims?: ApplyClaims;
  }) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.#auditor = options.auditor;
    this.#clusters = options.clusters;
    this.#files = options.files;
    this.#requests = options.requests;
    this.#fieldManager = options.fieldManager;
    this.#claims = options.claims;
  }

  /** True when the request is one apply on merge is for: merged by pull request on an opted-in cluster. */
  wants(record: LayeringRequestRecord): boolean {
    return (
      record.delivery === 'pull-request' &&
      !!record.pullRequestUrl &&
      applyOnMergeEnabled(this.#config, record.cluster) &&
      !(record.events ?? []).some(e => e.type === 'applied')
    );
  }

  /** A request store listener: applies a request when its pull request is recorded merged. */
  readonly onRequestChange = async ({
    record,
    event,
  }: RequestChange): Promise<void> => {
    if (event.type !== 'merged' || !this.wants(record)) return;
    // A fresh merge is applied now, whatever back-off an earlier record of it left.
    await this.applyOnce(record, event, { ignoreBackoff: true });
  };

  /**
   * Applies a merged request unless it is applied already or (with claims) another replica or
   * path holds it, it was refused before, or it is backing off after a failure. Never throws:
   * the result says what happened, the request's history and the audit log say why.
   */
  async applyOnce(
    record: LayeringRequestRecord,
    merged: LayeringRequestEvent,
    options: { ignoreBackoff?: boolean } = {},
  ): Promise<ApplyOnceResult> {
    const claims = this.#claims;
    if (claims && !(await claims.claim(record.id, options))) return 'skipped';
    let result: ApplyOnceResult = 'skipped';
    let reason = '';
    try {
      // Read again under the claim: the other path may have applied it meanwhile.
      const current = (await this.#requests.get(record.id)) ?? record;
      if (!this.wants(current)) return result;
      const overtaken = await this.#overtakenBy(current, merged);
      if (overtaken) {
        result = 'refused';
        reason = `request ${overtaken.id} (${
          overtaken.summary ?? overtaken.kind
        }) changed pool ${current.pool} after this merge`;
        await this.#requests.recordEvent(
          current.id,
          {
            type: 'failed',
            at: new Date().toISOString(),
            detail: `Not applied on merge: ${reason}; applying it now would undo that change`,
          },
          { key: `apply-on-merge-overtaken:${overtaken.id}` },
        );
        this.#logger.info(
          'Apply on merge left a request another one overtook',
          {
            request: current.id,
            cluster: current.cluster,
            pool: current.pool,
            overtakenBy: overtaken.id,
          },
        );
        return result;
      }
      await this.apply(current, merged);
      result = 'applied';
    } catch (error) {
      const failure = toError(error);
      result = isRefusal(failure) ? 'refused' : 'failed';
      reason = failure.message;
    } finally {
      if (claims) {
        await claims
          .release(
            record.id,
            result === 'refused'
              ? { result, reason }
              : { result: result === 'failed' ? 'failed' : 'applied' },
          )
          .catch(error =>
            this.#logger.warn('Could not release an apply on merge claim', {
              request: record.id,
              error: toError(error).message,
            }),
          );
      }
    }
    return result;
  }

  /**
   * A newer change of the same pool: another request merged after this one (applied, or waiting
   * to be), or applied directly after this one's merge. Applying this one late (a retry after downtime) would put the pool back to
   * what the newer merge replaced, so it is left alone.
   */
  async #overtakenBy(
    record: LayeringRequestRecord,
    merged: LayeringRequestEvent,
  ): Promise<LayeringRequestRecord | undefined> {
    const mergedAt = Date.parse(merged.at);
    const others = await this.#requests.list(record.cluster, record.pool, {
      limit: 50,
    });
    return others.find(other => {
      if (other.id === record.id) return false;
      if (other.outcome !== 'merged' && other.outcome !== 'applied')
        return false;
      // A pull request's change counts from its merge, a direct one from its apply.
      const when = other.delivery === 'pull-request' ? 'merged' : 'applied';
      const at = (other.events ?? []).find(e => e.type === when)?.at;
      return at !== undefined && Date.parse(at) > mergedAt;
    });
  }

  /** Applies the merged files of a request; records applied or failed on the request. */
  async apply(
    record: LayeringRequestRecord,
    merged: LayeringRequestEvent,
  ): Promise<string[]> {
    const approver = merged.by ?? 'unknown';
    const audit = await this.#auditor.createEvent({
      eventId: 'cluster-write',
      severityLevel: 'high',
      meta: {
        trigger: 'apply-on-merge',
        request: record.id,
        cluster: record.cluster,
        pool: record.pool,
        pullRequest: record.pullRequestUrl,
        approvedBy: approver,
      },
    });
    try {
      const { commit, files } = await this.#files.mergedFiles(
        record.pullRequestUrl!,
      );
      const items = parseObjects(files);
      if (!items.length)
        throw new InputError(`The merge commit ${commit} changes no manifest`);
      const issues = checkLayeringContent(items, { pool: record.pool }).filter(
        i => i.severity === 'error',
      );
      if (issues.length) {
        throw new InputError(
          `The merged files are not layering content for pool ${
            record.pool
          }: ${issues.map(i => `${i.field}: ${i.message}`).join('; ')}`,
        );
      }
      for (const item of items) {
        const provenance = readLayeringProvenance(item.object);
        const ours =
          provenance &&
          (provenance.requestId === record.id ||
            (!!record.taskId && provenance.taskId === record.taskId));
        if (!ours)
          throw new NotAllowedError(
            `${item.field} was not rendered by request ${record.id}; only the request's own objects are applied on merge`,
          );
      }
      const objects = items.map(i => i.object as KubeObject);
      const details = (await this.#clusters.getClusters()).find(
        c => c.name === record.cluster,
      );
      if (!details)
        throw new InputError(`cluster: ${record.cluster} is not configured`);
      // The writer only: without one configured this throws NotAllowedError naming the key.
      const access = createClusterAccess(details, { role: 'writer' });
      const k8s = loadClientNode();
      const client = k8s.KubernetesObjectApi.makeApiClient(access.kubeConfig);
      const apply = (object: KubeObject, dryRun: boolean) =>
        client.patch(
          object,
          undefined,
          dryRun ? 'All' : undefined,
          this.#fieldManager,
          false,
          k8s.PatchStrategy.ServerSideApply,
        );
      // Every object passes a server dry run before any is written.
      for (const object of objects) await apply(object, true);
      for (const object of objects) await apply(object, false);
      const names = objects.map(o => `${o.kind}/${o.metadata.name}`);
      await this.#requests.recordEvent(
        record.id,
        {
          type: 'applied',
          at: new Date().toISOString(),
          by: approver,
          detail: `Applied on merge by the portal (${names.join(
            ', ',
          )} at ${commit.slice(
            0,
            12,
          )}); the merge by ${approver} is the approval`,
        },
        { key: `applied-on-merge:${commit}` },
      );
      this.#logger.info('Applied a merged request', {
        request: record.id,
        cluster: record.cluster,
        pool: record.pool,
        objects: names.join(', '),
        approvedBy: approver,
      });
      await audit.success({ meta: { objects: names, commit } });
      return names;
    } catch (error) {
      const failure = toError(error);
      await audit.fail({ error: failure });
      this.#logger.warn('Could not apply a merged request', {
        request: record.id,
        cluster: record.cluster,
        error: failure.message,
      });
      await this.#requests
        .recordEvent(
          record.id,
          {
            type: 'failed',
            at: new Date().toISOString(),
            detail: `Apply on merge failed: ${failure.message}`.slice(0, 500),
          },
          { key: `apply-on-merge-failed:${failure.message}` },
        )
        .catch(recordError =>
          this.#logger.warn('Could not record the failure', {
            error: toError(recordError).message,
          }),
        );
      throw failure;
    }
  }
}
