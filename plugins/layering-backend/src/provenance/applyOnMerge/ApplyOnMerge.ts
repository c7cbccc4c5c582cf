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
import type { MergedFile, MergedFilesSource } from './MergedFiles';

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

  constructor(options: {
    config: RootConfigService;
    logger: LoggerService;
    auditor: AuditorService;
    clusters: LayeringClustersService;
    files: MergedFilesSource;
    requests: ProvenanceRequestStore;
    fieldManager: string;
  }) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.#auditor = options.auditor;
    this.#clusters = options.clusters;
    this.#files = options.files;
    this.#requests = options.requests;
    this.#fieldManager = options.fieldManager;
  }

  /** A request store listener: applies a request when its pull request is recorded merged. */
  readonly onRequestChange = async ({
    record,
    event,
  }: RequestChange): Promise<void> => {
    if (
      event.type !== 'merged' ||
      record.delivery !== 'pull-request' ||
      !record.pullRequestUrl
    )
      return;
    if (!applyOnMergeEnabled(this.#config, record.cluster)) return;
    if ((record.events ?? []).some(e => e.type === 'applied')) return;
    await this.apply(record, event).catch(() => undefined);
  };

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
