import type { IncomingMessage, ServerResponse } from 'node:http';
import { InMemoryImageCatalog, MEDIA_TYPES } from './ImageCatalog';

function registryError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  detail?: unknown,
) {
  const body = JSON.stringify({
    errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }],
  });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Docker-Distribution-API-Version': 'registry/2.0',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Serve the read side of the OCI distribution API under `/v2/` from the image catalogue.
 *
 * @remarks
 * The repository `name` is looked up as `<registryHost>/<name>` first (images this cluster's
 * builds push), then as a full reference whose first component is another registry's host
 * (`/v2/quay.io/openshift-release-dev/ocp-v4.0-art-dev/manifests/sha256:…`), so images of other
 * registries the state declares can be read through this one. Reads need no token.
 *
 * Returns false when the path is not a registry path.
 */
export function handleRegistryRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  catalog: InMemoryImageCatalog,
  registryHost: string,
): boolean {
  if (url.pathname !== '/v2' && !url.pathname.startsWith('/v2/')) return false;
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    registryError(
      res,
      405,
      'UNSUPPORTED',
      'the embedded registry is read-only',
    );
    return true;
  }
  if (url.pathname === '/v2' || url.pathname === '/v2/') {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Docker-Distribution-API-Version': 'registry/2.0',
    });
    res.end(method === 'HEAD' ? undefined : '{}');
    return true;
  }
  const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
  if (!m) {
    registryError(
      res,
      404,
      'NAME_UNKNOWN',
      'repository name not known to registry',
    );
    return true;
  }
  const [, name, kind, ref] = m;
  const isDigest = ref.startsWith('sha256:');
  const candidates = [`${registryHost}/${name}`];
  if (/[.:]/.test(name.split('/')[0]) || name.split('/')[0] === 'localhost')
    candidates.push(name);
  const accept = req.headers.accept ?? '';
  const wantsDocker =
    accept.includes(MEDIA_TYPES.dockerManifest) &&
    !accept.includes(MEDIA_TYPES.ociManifest);
  for (const repository of candidates) {
    const reference = isDigest
      ? `${repository}@${ref}`
      : `${repository}:${ref}`;
    if (kind === 'manifests') {
      const record = catalog.resolve(reference);
      if (!record) continue;
      // By a real content digest, serve the flavour that hashes to it; otherwise (tags, and the
      // made-up digests of declared images) honour Accept.
      let flavour: 'oci' | 'docker' = wantsDocker ? 'docker' : 'oci';
      if (isDigest) {
        for (const f of ['oci', 'docker'] as const) {
          if (catalog.content(record.image, f)?.contentDigest === ref)
            flavour = f;
        }
      }
      const content = catalog.content(record.image, flavour)!;
      res.writeHead(200, {
        'Content-Type': content.manifestMediaType,
        'Content-Length': content.manifest.length,
        'Docker-Content-Digest': isDigest ? ref : content.digest,
        'Docker-Distribution-API-Version': 'registry/2.0',
      });
      res.end(method === 'HEAD' ? undefined : content.manifest);
      return true;
    }
    // Blobs: any image of the repository may hold it.
    for (const record of catalog.list()) {
      if (record.image.split('@')[0] !== repository) continue;
      for (const flavour of ['oci', 'docker'] as const) {
        const blob = catalog.content(record.image, flavour)?.blobs.get(ref);
        if (blob) {
          res.writeHead(200, {
            'Content-Type': 'application/octet-stream',
            'Content-Length': blob.length,
            'Docker-Content-Digest': ref,
            'Docker-Distribution-API-Version': 'registry/2.0',
          });
          res.end(method === 'HEAD' ? undefined : blob);
          return true;
        }
      }
    }
  }
  if (kind === 'manifests') {
    registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', {
      name,
      reference: ref,
    });
  } else {
    registryError(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry', {
      digest: ref,
    });
  }
  return true;
}
