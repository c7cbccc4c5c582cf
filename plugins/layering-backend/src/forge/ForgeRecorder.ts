import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { LayeringRequestStore } from '../services/RequestStore';
import type { ForgeObservation } from './observations';

/**
 * Writes what the forge said about a pull request into the history of the requests that
 * opened it. The store makes it idempotent: the same merge seen by webhook and poll is one
 * event.
 */
export class ForgeRecorder {
  readonly #requests: LayeringRequestStore;
  readonly #logger: LoggerService;

  constructor(options: {
    requests: LayeringRequestStore;
    logger: LoggerService;
  }) {
    this.#requests = options.requests;
    this.#logger = options.logger;
  }

  /** Records the observation; answers how many events were new. */
  async record(observation: ForgeObservation): Promise<number> {
    const { pullRequest, source } = observation;
    const where = {
      forge: pullRequest.forge,
      host: pullRequest.host,
      project: pullRequest.project,
      number: pullRequest.number,
      source,
    };
    const records = await this.#requests.findByPullRequest(pullRequest);
    if (records.length === 0) {
      this.#logger.info(
        'Forge event for a pull request no layering request opened; ignored',
        {
          ...where,
          events: observation.events.map(e => e.type).join(','),
        },
      );
      return 0;
    }
    let added = 0;
    for (const record of records) {
      for (const event of observation.events) {
        try {
          const { recorded } = await this.#requests.recordEvent(
            record.id,
            event,
          );
          if (recorded) {
            added += 1;
            this.#logger.info('Recorded a forge event in a request history', {
              ...where,
              request: record.id,
              event: event.type,
            });
          }
        } catch (error) {
          this.#logger.warn('Could not record a forge event', {
            ...where,
            request: record.id,
            event: event.type,
            error: toError(error).message,
          });
        }
      }
    }
    return added;
  }
}
