import { ServiceUnavailableError } from '@backstage/errors';
import { promises as fs } from 'node:fs';

interface CachedToken {
  /** Identity of the file version the token was read from. */
  version: string;
  token: string;
}

const cache = new Map<string, CachedToken>();

/**
 * Reads a bearer token from a file, again whenever the file changed since the last read.
 *
 * @remarks
 * The kubelet rotates a pod's projected token by swapping the file (a new inode behind a
 * symlink), so a `stat` per use tells a new token from the old one without re-reading the file
 * on every request, and without client-node's fixed one-minute cache, during which a rotated-out
 * token would still be sent.
 *
 * @public
 */
export async function readTokenFile(path: string): Promise<string> {
  let version: string;
  try {
    const stat = await fs.stat(path, { bigint: true });
    version = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
  } catch (error) {
    throw new ServiceUnavailableError(
      `Cannot read the service account token file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  const cached = cache.get(path);
  if (cached && cached.version === version) {
    return cached.token;
  }
  let token: string;
  try {
    token = (await fs.readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new ServiceUnavailableError(
      `Cannot read the service account token file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  if (!token) {
    throw new ServiceUnavailableError(`The service account token file ${path} is empty`);
  }
  cache.set(path, { version, token });
  return token;
}
