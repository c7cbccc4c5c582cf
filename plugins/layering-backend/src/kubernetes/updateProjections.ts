/**
 * Projection of the updates a ClusterVersion offers (`status.availableUpdates` and
 * `status.conditionalUpdates`), kept for the upgrade forecast. Field names follow the
 * ClusterVersion CRD (config.openshift.io/v1).
 */

type Dict = Record<string, unknown>;

function obj(value: unknown): Dict {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Dict) : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** One offered update of ClusterVersion `status.availableUpdates` or `status.conditionalUpdates`. */
export interface ClusterUpdateProjection {
  version: string;
  image: string;
  url: string | null;
  conditional: boolean;
  risks: Array<{ name: string; message: string; url: string | null }>;
  conditions: Array<{ type: string; status: string; reason: string | null; message: string | null }>;
}

/** Offered updates, recommended ones first; a conditional entry of a version already recommended is dropped. */
export function projectUpdates(status: Dict): ClusterUpdateProjection[] {
  const out: ClusterUpdateProjection[] = [];
  const seen = new Set<string>();
  const add = (release: Dict, conditional: boolean, extra: Dict) => {
    const version = str(release.version);
    const image = str(release.image);
    if (!version || !image || seen.has(version)) return;
    seen.add(version);
    out.push({
      version,
      image,
      url: str(release.url),
      conditional,
      risks: (Array.isArray(extra.risks) ? extra.risks.map(obj) : [])
        .filter(risk => str(risk.name))
        .map(risk => ({ name: str(risk.name)!, message: str(risk.message) ?? '', url: str(risk.url) })),
      conditions: (Array.isArray(extra.conditions) ? extra.conditions.map(obj) : [])
        .filter(c => str(c.type))
        .map(c => ({
          type: str(c.type)!,
          status: str(c.status) ?? 'Unknown',
          reason: str(c.reason),
          message: str(c.message),
        })),
    });
  };
  for (const release of Array.isArray(status.availableUpdates) ? status.availableUpdates : []) {
    add(obj(release), false, {});
  }
  for (const entry of Array.isArray(status.conditionalUpdates) ? status.conditionalUpdates : []) {
    add(obj(obj(entry).release), true, obj(entry));
  }
  return out;
}
