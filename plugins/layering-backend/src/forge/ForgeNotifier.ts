import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  poolEntityName,
  type LayeringRequestEventType,
} from '@rhcos-layering/plugin-layering-common';
import type { LayeringRequestChange } from '../services/RequestStore';
import { isFullEntityRef, readPoolOwner } from '../provenance/poolOwner';

/** The forge events people are told about, and how. */
const FORGE_NOTICES: Partial<
  Record<
    LayeringRequestEventType,
    { verb: string; severity: 'normal' | 'high' }
  >
> = {
  opened: { verb: 'opened', severity: 'normal' },
  approved: { verb: 'approved', severity: 'normal' },
  merged: { verb: 'merged', severity: 'high' },
};

/**
 * Tells the requester and the pool's owner (the pool entity's `spec.owner` in the catalog)
 * when a request's pull request is opened, approved or merged, with links to the pull request
 * and the pool page.
 */
export class ForgeNotifier {
  readonly #notifications: NotificationService;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #appBaseUrl: string;

  constructor(options: {
    notifications: NotificationService;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    /** `app.baseUrl`, for the pool page link. */
    appBaseUrl: string;
  }) {
    this.#notifications = options.notifications;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#appBaseUrl = options.appBaseUrl.replace(/\/+$/, '');
  }

  /** A request store listener: sends the notice of a forge event, if it has one. */
  readonly onChange = async ({
    record,
    event,
  }: LayeringRequestChange): Promise<void> => {
    const notice = FORGE_NOTICES[event.type];
    if (!notice || record.delivery !== 'pull-request') return;
    const recipients = new Set<string>();
    if (isFullEntityRef(record.requestedBy)) recipients.add(record.requestedBy);
    const owner = await readPoolOwner(
      { catalog: this.#catalog, auth: this.#auth, logger: this.#logger },
      record.cluster,
      record.pool,
    );
    if (owner) recipients.add(owner);
    if (recipients.size === 0) return;
    const poolPage = `${
      this.#appBaseUrl
    }/catalog/default/resource/${poolEntityName(record.cluster, record.pool)}`;
    const pullRequest = event.url ?? record.pullRequestUrl ?? undefined;
    const who = event.by ? ` by ${event.by}` : '';
    const what = record.summary ?? record.kind;
    try {
      await this.#notifications.send({
        recipients: { type: 'entity', entityRef: [...recipients] },
        payload: {
          title: `Pull request ${notice.verb}${who}: ${what} on ${record.cluster}/${record.pool}`,
          description: [
            pullRequest ? `Pull request: ${pullRequest}` : undefined,
            `Pool: ${poolPage}`,
          ]
            .filter(Boolean)
            .join('\n'),
          link: pullRequest ?? poolPage,
          severity: notice.severity,
          topic: 'layering-request',
          scope: `layering-request:${record.id}:${event.type}${
            event.by ? `:${event.by}` : ''
          }`,
        },
      });
    } catch (error) {
      this.#logger.warn('Could not send a layering request notification', {
        request: record.id,
        event: event.type,
        error: toError(error).message,
      });
    }
  };
}
