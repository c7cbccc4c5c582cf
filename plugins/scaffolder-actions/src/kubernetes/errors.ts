import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** The parts of a client-node `ApiException` we rely on (the class itself is ESM-only). */
export interface KubernetesApiFailure {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

/** One entry of a Kubernetes `Status.details.causes` list. */
export interface KubernetesStatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** @internal */
export function isKubernetesApiFailure(
  error: unknown,
): error is KubernetesApiFailure {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number' &&
    'body' in error &&
    typeof (error as { headers?: unknown }).headers === 'object'
  );
}

function statusOf(body: unknown): {
  message?: string;
  reason?: string;
  causes: KubernetesStatusCause[];
} {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body.slice(0, 500), causes: [] };
    }
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return { causes: [] };
  }
  const status = parsed as {
    message?: unknown;
    reason?: unknown;
    details?: { causes?: unknown };
  };
  const causes = Array.isArray(status.details?.causes)
    ? (status.details!.causes as unknown[]).flatMap(c =>
        typeof c === 'object' && c !== null ? [c as KubernetesStatusCause] : [],
      )
    : [];
  return {
    message: typeof status.message === 'string' ? status.message : undefined,
    reason: typeof status.reason === 'string' ? status.reason : undefined,
    causes,
  };
}

/** Where a failing request went, for the error text. */
export interface RequestTarget {
  cluster: string;
  verb: string;
  /** `Kind/name`, or a description of a list. */
  object: string;
}

/**
 * Maps object field paths (as in `Status.details.causes[].field`) to the form fields of the
 * template that produced them, so that a 422 can name what the user typed.
 *
 * @public
 */
export type FormFieldMap = Record<string, string>;

function formFieldFor(
  field: string | undefined,
  fields: FormFieldMap | undefined,
): string | undefined {
  if (!field || !fields) {
    return undefined;
  }
  // longest matching prefix wins: `spec.containerFile[0].content` → `containerfile`
  const match = Object.keys(fields)
    .filter(path => field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`))
    .sort((a, b) => b.length - a.length)[0];
  return match ? fields[match] : undefined;
}

/**
 * Translates a failed Kubernetes API call into an `@backstage/errors` error naming the cluster,
 * the verb and the object, so that the scaffolder shows the user something to act on.
 *
 * @internal
 */
export function translateKubernetesError(
  failure: KubernetesApiFailure,
  target: RequestTarget,
  fields?: FormFieldMap,
): Error {
  const { message, causes } = statusOf(failure.body);
  const where = `${target.verb} ${target.object} on cluster ${target.cluster}`;
  const detail = message ? `: ${message}` : '';
  switch (failure.code) {
    case 400:
    case 422: {
      const lines = causes.map(cause => {
        const formField = formFieldFor(cause.field, fields);
        const label = formField
          ? `${formField} (${cause.field})`
          : cause.field ?? 'object';
        return `${label}: ${cause.message ?? cause.reason ?? 'invalid'}`;
      });
      return new InputError(
        lines.length > 0
          ? `The cluster rejected ${where}. ${lines.join('; ')}`
          : `The cluster rejected ${where}${detail}`,
      );
    }
    case 401:
      return new AuthenticationError(
        `Cluster ${target.cluster} did not accept the credentials configured for it (${where})`,
      );
    case 403:
      return new NotAllowedError(
        `The service account configured for cluster ${target.cluster} may not ${target.verb} ${target.object}${detail}`,
      );
    case 404:
      return new NotFoundError(`Not found: ${where}${detail}`);
    case 409:
      return new ConflictError(
        `Conflict on ${where}${detail}. Another manager owns these fields or the object changed; re-read it and try again`,
      );
    case 429:
      return new ServiceUnavailableError(
        `Cluster ${target.cluster} kept throttling ${target.verb} ${target.object} (429 Too Many Requests); try again later`,
      );
    default:
      return new ServiceUnavailableError(
        `Cluster ${target.cluster} failed ${target.verb} ${target.object} with HTTP ${failure.code}${detail}`,
      );
  }
}
