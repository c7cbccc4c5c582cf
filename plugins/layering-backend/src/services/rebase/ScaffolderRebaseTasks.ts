import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { RebaseTaskStarter } from './AutomaticRebase';

/**
 * Starts scaffolder tasks as the layering backend itself: `POST /api/scaffolder/v2/tasks` with
 * a plugin-to-plugin token of the service's own credentials (`plugin:layering`). The scaffolder
 * accepts service principals there; the task has no `createdBy`. The permission framework
 * decides for service principals without the policy (allowed unless access restrictions narrow
 * them), which is why the automatic rebase always asks for a pull request, never direct apply.
 */
export class ScaffolderRebaseTasks implements RebaseTaskStarter {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  async start(input: {
    templateRef: string;
    values: Record<string, unknown>;
  }): Promise<{ taskId: string }> {
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const baseUrl = await this.#discovery.getBaseUrl('scaffolder');
    const response = await fetch(`${baseUrl}/v2/tasks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ templateRef: input.templateRef, values: input.values }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as { id?: unknown };
    if (typeof body.id !== 'string') {
      throw new Error('The scaffolder answered without a task id');
    }
    return { taskId: body.id };
  }
}
