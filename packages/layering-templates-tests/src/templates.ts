import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';

/** The repository's `templates/` folder. */
export const TEMPLATES_DIR = path.resolve(
  resolvePackagePath('@rhcos-layering/layering-templates-tests'),
  '../../templates',
);

/** A template entity as the catalog reads it from `templates/`, with the file it came from. */
export interface LoadedTemplate {
  file: string;
  entity: Entity & {
    spec: JsonObject & { steps: JsonObject[]; parameters: JsonObject[] };
  };
}

/** The targets the `templates/all.yaml` Location lists, as absolute paths. */
export async function locationTargets(): Promise<string[]> {
  const location = yaml.parse(
    await fs.readFile(path.join(TEMPLATES_DIR, 'all.yaml'), 'utf8'),
  );
  return (location.spec.targets as string[]).map(target =>
    path.resolve(TEMPLATES_DIR, target),
  );
}

/**
 * Reads every template the Location registers, with the annotations the catalog adds to entities
 * read from a file (the scaffolder resolves `fetch:template` URLs against them).
 */
export async function loadTemplates(): Promise<LoadedTemplate[]> {
  const loaded: LoadedTemplate[] = [];
  for (const file of await locationTargets()) {
    const entity = yaml.parse(await fs.readFile(file, 'utf8'));
    entity.metadata.namespace ??= 'default';
    entity.metadata.annotations = {
      ...entity.metadata.annotations,
      'backstage.io/managed-by-location': `file:${file}`,
      'backstage.io/managed-by-origin-location': `file:${path.join(
        TEMPLATES_DIR,
        'all.yaml',
      )}`,
    };
    loaded.push({ file, entity });
  }
  return loaded;
}

/** One template by its `metadata.name`. */
export async function loadTemplate(name: string): Promise<LoadedTemplate> {
  const found = (await loadTemplates()).find(
    t => t.entity.metadata.name === name,
  );
  if (!found) {
    throw new Error(
      `templates/all.yaml does not register a template named ${name}`,
    );
  }
  return found;
}

/**
 * The skeletons the templates fetch with relative URLs (`./skeletons/...`), in the form the
 * dry-run API takes them: paths relative to the templates folder.
 */
export async function directoryContentsFor(
  template: LoadedTemplate,
): Promise<Array<{ path: string; base64Content: string }>> {
  const root = path.dirname(template.file);
  const usesSkeletons = template.entity.spec.steps.some(
    step => step.action === 'fetch:template' || step.action === 'fetch:plain',
  );
  const contents: Array<{ path: string; base64Content: string }> = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else {
        contents.push({
          path: path.relative(root, full).split(path.sep).join('/'),
          base64Content: (await fs.readFile(full)).toString('base64'),
        });
      }
    }
  };
  if (usesSkeletons) {
    await walk(path.join(root, 'skeletons'));
  }
  return contents;
}
