import { isResourceName, groupVersion } from '../store/resources';
import { ApiError } from './status';
import type { ServedResource } from './discovery';
import type { Target } from './context';

const notFound = (detail = '') =>
  new ApiError(
    404,
    'NotFound',
    `the server could not find the requested resource${detail}`,
  );

/**
 * Resolve the path segments of a resource request (`/api/v1/...` or `/apis/<g>/<v>/...`) to the
 * served resource, namespace, name and subresource it addresses; 404 for anything not served.
 */
export function resolveTarget(
  served: ServedResource[],
  segments: string[],
): Target {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    throw notFound();
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && rest[2] === 'status' && group === '')
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, sub, ...extra] = rest;
  const found = served.find(
    s => s.info.resource === resource && s.info.group === group,
  );
  if (
    !resource ||
    !isResourceName(resource) ||
    !found ||
    extra.length > 0 ||
    (sub !== undefined && sub !== 'status')
  ) {
    throw notFound();
  }
  if (found.version !== version) {
    throw notFound(
      ` (${groupVersion(
        group,
        version,
      )} is not served; this cluster serves ${groupVersion(
        group,
        found.version,
      )})`,
    );
  }
  if (sub === 'status' && !found.info.statusSubresource) throw notFound();
  if (namespace !== undefined && !found.info.namespaced) throw notFound();
  return {
    info: found.info,
    version,
    namespace,
    name,
    subresource: sub as 'status' | undefined,
  };
}
