import { z as zod } from 'zod/v3';

/** Warnings for the user and the pull request body. */
export const warnings = (z: typeof zod) =>
  z.array(z.string(), {
    description: 'Things the requester should know before the change rolls out',
  });

/** Whether the action changed the cluster. */
export const changed = (z: typeof zod) =>
  z.boolean({
    description: 'True when the cluster was changed; false when it was already in the requested state',
  });

/** Id of the request record, when one was written. */
export const requestId = (z: typeof zod) =>
  z
    .string({ description: 'Id of the request recorded in the layering backend' })
    .optional();
