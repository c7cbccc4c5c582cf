import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError, ServiceUnavailableError } from '@backstage/errors';

/** What the layering backend needs to know about a scaffolder task. */
export interface ScaffolderTaskInfo {
  id: string;
  /** Task status: `open`, `processing`, `completed`, `failed`, `cancelled`, ... */
  status: string;
  /** Entity ref of the user who started the task; absent for tasks started by a service. */
  createdBy?: string;
}

/** Looks scaffolder tasks up, so who asked for a request is read from the task itself. */
export interface ScaffolderTaskLookup {
  getTask(taskId: string): Promise<ScaffolderTaskInfo | undefined>;
}

/** Reads tasks from the scaffolder's API (`GET /v2/tasks/:id`) with this plugin's service credentials. */
export class ScaffolderTaskClient implements ScaffolderTaskLookup {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;
  readonly #timeoutMs: number;

  constructor(options: { discovery: DiscoveryService; auth: AuthService; timeoutMs?: number }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async getTask(taskId: string): Promise<ScaffolderTaskInfo | undefined> {
    const baseUrl = await this.#discovery.getBaseUrl('scaffolder');
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/v2/tasks/${encodeURIComponent(taskId)}`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `The scaffolder could not be asked for task ${taskId}`,
        error,
      );
    }
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `The scaffolder answered ${response.status} for task ${taskId}`,
        await ResponseError.fromResponse(response),
      );
    }
    const body = (await response.json()) as Partial<ScaffolderTaskInfo>;
    if (typeof body.id !== 'string' || typeof body.status !== 'string') {
      throw new ServiceUnavailableError(`The scaffolder's answer for task ${taskId} has no id or status`);
    }
    return {
      id: body.id,
      status: body.status,
      createdBy: typeof body.createdBy === 'string' ? body.createdBy : undefined,
    };
  }
}
