import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventParams, EventsService } from '@backstage/plugin-events-node';
import type { ForgeRecorder } from './ForgeRecorder';
import { fromGithubWebhook, fromGitlabWebhook } from './observations';

/**
 * The events topics the layering backend listens to: what the GitHub and GitLab events
 * modules route webhooks to, after the events backend's HTTP ingress checked their signature
 * (GitHub `X-Hub-Signature-256`) or token (GitLab `X-Gitlab-Token`).
 */
export const FORGE_TOPICS = [
  'github.pull_request',
  'github.pull_request_review',
  'gitlab.merge_request',
] as const;

/** Subscribes the recorder to the forge topics of the events service. */
export async function subscribeToForgeWebhooks(options: {
  events: EventsService;
  recorder: ForgeRecorder;
  logger: LoggerService;
}): Promise<void> {
  const { events, recorder, logger } = options;
  await events.subscribe({
    id: 'layering-forge-webhooks',
    topics: [...FORGE_TOPICS],
    async onEvent(params: EventParams) {
      const observation = params.topic.startsWith('gitlab.')
        ? fromGitlabWebhook(params.eventPayload)
        : fromGithubWebhook(params.topic, params.eventPayload);
      if (!observation) {
        logger.debug('Forge webhook with nothing for request histories', {
          topic: params.topic,
        });
        return;
      }
      await recorder.record(observation);
    },
  });
}
