import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The service account the layering backend reads with (bound by `deploy/rbac/reader.yaml`).
 *
 * @public
 */
export const READER_SERVICE_ACCOUNT = {
  namespace: 'rhcos-layering',
  name: 'layering-reader',
} as const;

/**
 * The service account the scaffolder actions write with (bound by `deploy/rbac/writer.yaml`).
 *
 * @public
 */
export const WRITER_SERVICE_ACCOUNT = {
  namespace: 'rhcos-layering',
  name: 'layering-writer',
} as const;

/**
 * The repository's `deploy/rbac/` folder, seen from this package in the workspace (it is not
 * shipped with the package: pass the folder explicitly elsewhere).
 *
 * @public
 */
export const DEFAULT_RBAC_DIR = path.resolve(
  path.dirname(
    require.resolve('@rhcos-layering/embedded-openshift/package.json'),
  ),
  '..',
  '..',
  'deploy',
  'rbac',
);

/**
 * Read every object of the `*.yaml` files of an RBAC folder (files in name order, documents in
 * file order), with the file and document they came from.
 *
 * @public
 */
export function loadRbacManifests(
  dir: string = DEFAULT_RBAC_DIR,
): Array<{ object: Record<string, unknown>; source: string }> {
  if (!fs.existsSync(dir)) {
    throw new Error(
      `RBAC manifests: the folder ${dir} does not exist (the repository's deploy/rbac/)`,
    );
  }
  const files = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const out: Array<{ object: Record<string, unknown>; source: string }> = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    parseAllDocuments(text).forEach((doc, i) => {
      if (doc.errors.length > 0) {
        throw new Error(
          `${file} (document ${i + 1}): ${doc.errors[0].message}`,
        );
      }
      const object = doc.toJS() as unknown;
      if (object === null || object === undefined) return;
      if (typeof object !== 'object' || Array.isArray(object)) {
        throw new Error(`${file} (document ${i + 1}): not a Kubernetes object`);
      }
      out.push({
        object: object as Record<string, unknown>,
        source: `${file} (document ${i + 1})`,
      });
    });
  }
  return out;
}
