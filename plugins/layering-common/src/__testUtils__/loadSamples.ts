/*
 * Test helper: loads the sample cluster state and derives the plain inputs the
 * backend would hand to the shared rules. The sample is the embedded cluster's
 * `states/sample` (a dev dependency; see its SOURCE.md and README.md).
 */
import { readdirSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { parseAllDocuments } from 'yaml';
import type { NodeView } from '../types';
import { rhcosVersionFromLabels, rhcosVersionFromOsImage } from '../rhcos';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  status?: any;
  data?: Record<string, string>;
};

type ImageRecord = {
  image: string;
  base?: string;
  labels?: Record<string, string>;
  references?: Record<string, string>;
};

/** The sample state folder: `states/sample` of the embedded cluster package. */
export const SAMPLES_DIR = join(
  dirname(require.resolve('@rhcos-layering/embedded-openshift/package.json')),
  'states',
  'sample',
);
const DIR = SAMPLES_DIR;

export function loadYamlFile(path: string): K8sObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map(doc => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o);
}

export function loadSamples() {
  const objects = readdirSync(DIR)
    .filter(f => /^\d\d-.*\.yaml$/.test(f))
    .sort()
    .flatMap(f => loadYamlFile(join(DIR, f)));
  const images = (
    loadYamlFile(join(DIR, 'images.yaml'))[0] as unknown as {
      images: ImageRecord[];
    }
  ).images;
  const byKind = (kind: string) => objects.filter(o => o.kind === kind);
  const byName = (kind: string, name: string) =>
    objects.find(o => o.kind === kind && o.metadata.name === name);

  /** Config labels of an image, inheriting its base's (a Containerfile build keeps them). */
  const labelsOf = (
    ref: string | null | undefined,
  ): Record<string, string> | null => {
    const record = images.find(i => i.image === ref);
    if (!record) return null;
    const inherited = record.base ? labelsOf(record.base) ?? {} : {};
    return { ...inherited, ...(record.labels ?? {}) };
  };

  const configMap = byName('ConfigMap', 'machine-config-osimageurl')!;
  const clusterVersion = byName('ClusterVersion', 'version')!;
  const defaultImage = configMap.data!.baseOSContainerImage;
  const release = {
    version: configMap.data!.releaseVersion,
    defaultImage,
    rhcosVersion: rhcosVersionFromLabels(labelsOf(defaultImage)),
  };
  const history = (
    clusterVersion.status.history as Array<{
      version: string;
      image: string;
      state: string;
    }>
  ).map(entry => {
    const releaseImage = images.find(i => i.image === entry.image);
    const rhcosImage = releaseImage?.references?.['rhel-coreos'];
    return {
      version: entry.version,
      state: entry.state,
      rhcosVersion: rhcosVersionFromLabels(labelsOf(rhcosImage)),
    };
  });

  const nodeView = (node: K8sObject): NodeView => {
    const a = node.metadata.annotations ?? {};
    const p = 'machineconfiguration.openshift.io/';
    const conditions = (node.status.conditions ?? []) as Array<{
      type: string;
      status: string;
    }>;
    const cond = (t: string) => conditions.find(c => c.type === t)?.status;
    return {
      name: node.metadata.name,
      currentConfig: a[`${p}currentConfig`] ?? null,
      desiredConfig: a[`${p}desiredConfig`] ?? null,
      state: a[`${p}state`] ?? null,
      reason: a[`${p}reason`] || null,
      currentImage: a[`${p}currentImage`] ?? null,
      desiredImage: a[`${p}desiredImage`] ?? null,
      rhcosVersion: rhcosVersionFromOsImage(node.status.nodeInfo.osImage),
      ready: cond('Ready') === 'True' && cond('DiskPressure') !== 'True',
      unschedulable: !!node.spec?.unschedulable,
    };
  };

  const nodesOfPool = (pool: K8sObject) => {
    const selector = pool.spec.nodeSelector.matchLabels as Record<
      string,
      string
    >;
    const nodes = byKind('Node').filter(n =>
      Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v),
    );
    // A node in a custom pool and in worker belongs to the custom pool (FACTS §2.2).
    const custom = byKind('MachineConfigPool')
      .filter(p => p.metadata.name !== 'worker' && p.metadata.name !== 'master')
      .map(p => p.spec.nodeSelector.matchLabels as Record<string, string>);
    return nodes
      .filter(
        n =>
          pool.metadata.name !== 'worker' ||
          !custom.some(sel =>
            Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v),
          ),
      )
      .map(nodeView);
  };

  return {
    objects,
    images,
    byKind,
    byName,
    labelsOf,
    release,
    history,
    nodesOfPool,
    defaultImage,
  };
}
