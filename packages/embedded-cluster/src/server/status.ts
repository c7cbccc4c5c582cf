import { StoreError } from '../store/types';

/**
 * A `meta/v1 Status` cause.
 *
 * @public
 */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

/**
 * An error the API answers with a `Status` object.
 *
 * @public
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: {
      name?: string;
      group?: string;
      kind?: string;
      causes?: StatusCause[];
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The `Status` body of an error. */
export function statusBody(error: ApiError): Record<string, unknown> {
  const details = Object.fromEntries(
    Object.entries(error.details).filter(([, v]) => v !== undefined),
  );
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(Object.keys(details).length > 0 ? { details } : {}),
    code: error.code,
  };
}

/** Translate anything thrown while serving a request into an {@link ApiError}. */
export function toApiError(
  error: unknown,
  context: { name?: string; kind?: string; group?: string } = {},
): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError) {
    return new ApiError(error.code, error.reason, error.message, {
      ...context,
      ...(error.causes.length > 0
        ? {
            causes: error.causes.map(c => ({
              reason: c.reason ?? 'FieldValueInvalid',
              message: c.message,
              field: c.field,
            })),
          }
        : {}),
    });
  }
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${
      error instanceof Error ? error.message : String(error)
    }`,
  );
}

export const badRequest = (message: string) =>
  new ApiError(400, 'BadRequest', message);
export const notFound = (resource: string, name: string, group = '') =>
  new ApiError(
    404,
    'NotFound',
    `${resource}${group ? `.${group}` : ''} "${name}" not found`,
    { name, group: group || undefined, kind: resource },
  );
