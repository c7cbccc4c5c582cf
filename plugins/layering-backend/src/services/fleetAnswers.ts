import { gzipSync } from 'node:zlib';
import type { FleetPoolFilter, FleetPoolsResponse } from './fleetTypes';

/** How many filter combinations of the fleet answer are kept at once. */
const KEPT_ANSWERS = 16;

/**
 * The cache key of a fleet filter and its normalised drift and cluster lists (sorted, without
 * repeats, undefined when empty), so equal filters share one answer.
 */
export function fleetFilterKey(filter: FleetPoolFilter): {
  key: string;
  drift: string[] | undefined;
  clusters: string[] | undefined;
} {
  const drift = filter.drift?.length ? [...new Set<string>(filter.drift)].sort() : undefined;
  const clusters = filter.clusters?.length ? [...new Set(filter.clusters)].sort() : undefined;
  return { key: JSON.stringify([drift ?? null, clusters ?? null]), drift, clusters };
}

/**
 * The `{"items":[…]}` answer made of pool views already serialised, with its ETag and a gzip
 * made once on first use, remembered under `key` among the last few answers.
 */
export function rememberFleetAnswer(
  answers: Map<string, FleetPoolsResponse>,
  key: string,
  parts: string[],
  etag: (body: Buffer) => string,
): FleetPoolsResponse {
  const body = Buffer.from(`{"items":[${parts.join(',')}]}`, 'utf8');
  let gzipped: Buffer | undefined;
  const answer: FleetPoolsResponse = {
    etag: etag(body),
    body,
    gzipped: () => {
      gzipped ??= gzipSync(body, { level: 6 });
      return gzipped;
    },
  };
  if (answers.size >= KEPT_ANSWERS) {
    answers.delete(answers.keys().next().value as string);
  }
  answers.set(key, answer);
  return answer;
}
