import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  locationEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import {
  DIRECT_APPLY_TAG,
  TEMPLATES_DIR,
  loadTemplates,
  locationTargets,
} from '@rhcos-layering/layering-templates-tests';

/** The policies the catalog enforces on every entity it reads. */
const catalogPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/** Field extensions the templates may use: ours (plugins/layering) and Backstage's. */
const LAYERING_FIELDS = [
  'LayeringPoolPicker',
  'LayeringContainerfileEditor',
  'LayeringBaseImage',
  'LayeringRequestPreview',
  'LayeringPoolSetting',
  'LayeringDeliveryPicker',
  'LayeringForgePicker',
];
const BACKSTAGE_FIELDS = ['RepoUrlPicker', 'Secret'];

/**
 * The form field ids of each template. The end-to-end tests, the pool page's "Request a change"
 * link (`formData={"target":…}`) and bookmarked links rely on them: change them deliberately.
 */
const FIELD_IDS: Record<string, string[]> = {
  'layering-on-cluster-image': [
    'target',
    'reason',
    'containerfile',
    'pushSpec',
    'pushSecret',
    'baseImagePullSecret',
    'rollout',
    'preview',
    'delivery',
    'forge',
    'repoUrl',
    'targetBranch',
    'forgeToken',
  ],
  'layering-out-of-cluster-image': [
    'target',
    'reason',
    'image',
    'baseImage',
    'containerfile',
    'machineConfigName',
    'rollout',
    'preview',
    'delivery',
    'forge',
    'repoUrl',
    'targetBranch',
    'forgeToken',
  ],
  'layering-modify-image': [
    'target',
    'reason',
    'containerfile',
    'pushSpec',
    'pushSecret',
    'baseImagePullSecret',
    'rollout',
    'preview',
    'delivery',
    'forge',
    'repoUrl',
    'targetBranch',
    'forgeToken',
  ],
  'layering-rebase-image': [
    'target',
    'reason',
    'baseImage',
    'image',
    'machineConfigName',
    'containerfile',
    'rollout',
    'preview',
    'delivery',
    'forge',
    'repoUrl',
    'targetBranch',
    'forgeToken',
  ],
  'layering-revert-image': [
    'target',
    'reason',
    'layeredAs',
    'preview',
    'machineConfigName',
    'delivery',
    'forge',
    'repoUrl',
    'targetBranch',
    'forgeToken',
  ],
  'layering-pause-resume-pool': [
    'target',
    'reason',
    'operation',
    'preview',
    'delivery',
    'forge',
    'repoUrl',
    'targetBranch',
    'forgeToken',
  ],
};

type Page = JsonObject & {
  title: string;
  properties?: Record<string, JsonObject>;
  dependencies?: Record<
    string,
    { oneOf: Array<{ properties: Record<string, JsonObject> }> }
  >;
};

/** Every form property of a page, including those of rjsf dependencies. */
function properties(page: Page): Array<[string, JsonObject]> {
  const own = Object.entries(page.properties ?? {});
  const dependent = Object.values(page.dependencies ?? {}).flatMap(d =>
    d.oneOf.flatMap(branch => Object.entries(branch.properties)),
  );
  const seen = new Set<string>();
  return [...own, ...dependent].filter(([id, schema]) => {
    // A dependency branch repeats its trigger as a const.
    if (seen.has(id) || 'const' in schema) return false;
    seen.add(id);
    return true;
  });
}

describe('the layering templates as catalog entities', () => {
  it('registers every template file of templates/ in all.yaml, which is a valid Location', async () => {
    const location = yaml.parse(
      await fs.readFile(path.join(TEMPLATES_DIR, 'all.yaml'), 'utf8'),
    );
    expect(await locationEntityV1alpha1Validator.check(location)).toBe(true);
    const files = (await fs.readdir(TEMPLATES_DIR))
      .filter(f => f.endsWith('.yaml') && f !== 'all.yaml')
      .map(f => path.join(TEMPLATES_DIR, f))
      .sort();
    expect((await locationTargets()).sort()).toEqual(files);
    expect(files).toHaveLength(6);
  });

  it('validates every template with the scaffolder template validator and the catalog policies', async () => {
    for (const { file, entity } of await loadTemplates()) {
      expect({
        file,
        valid: await templateEntityV1beta3Validator.check(entity as Entity),
      }).toEqual({
        file,
        valid: true,
      });
      await expect(
        catalogPolicy.enforce(entity as Entity),
      ).resolves.toBeDefined();
    }
  });

  it('owns and tags every template so that the pool page offers it', async () => {
    for (const { entity } of await loadTemplates()) {
      expect(entity.spec.owner).toBe('group:default/platform');
      expect(entity.spec.type).toBe('layering-request');
      // "Request a change" on the pool page lists the templates tagged `layering`.
      expect(entity.metadata.tags).toContain('layering');
      expect(entity.metadata.title).toBeTruthy();
      expect(entity.metadata.description).toBeTruthy();
    }
  });

  it('keeps the form field ids stable', async () => {
    const templates = await loadTemplates();
    expect(Object.keys(FIELD_IDS).sort()).toEqual(
      templates.map(t => t.entity.metadata.name).sort(),
    );
    for (const { entity } of templates) {
      const ids = (entity.spec.parameters as Page[]).flatMap(page =>
        properties(page).map(([id]) => id),
      );
      expect({ name: entity.metadata.name, ids }).toEqual({
        name: entity.metadata.name,
        ids: FIELD_IDS[entity.metadata.name],
      });
    }
  });

  it('chooses the pool with the LayeringPoolPicker as `target`, on the first page', async () => {
    for (const { entity } of await loadTemplates()) {
      const [first] = entity.spec.parameters as Page[];
      expect(first.properties!.target['ui:field']).toBe('LayeringPoolPicker');
      expect(first.required).toContain('target');
    }
  });

  it('uses only field extensions that the layering plugin or Backstage provide', async () => {
    const fieldsSource = await fs.readFile(
      path.join(TEMPLATES_DIR, '../plugins/layering/src/formFields.ts'),
      'utf8',
    );
    for (const name of LAYERING_FIELDS) {
      expect(fieldsSource).toContain(`name: '${name}'`);
    }
    const used = (await loadTemplates()).flatMap(({ entity }) =>
      (entity.spec.parameters as Page[]).flatMap(page =>
        properties(page)
          .map(([, schema]) => schema['ui:field'])
          .filter((field): field is string => typeof field === 'string'),
      ),
    );
    expect(new Set(used)).toEqual(
      new Set([...LAYERING_FIELDS, ...BACKSTAGE_FIELDS]),
    );
  });

  it('takes secrets only through the Secret field, and passes them only as tokens', async () => {
    for (const { entity, file } of await loadTemplates()) {
      const text = await fs.readFile(file, 'utf8');
      const secretFields = (entity.spec.parameters as Page[]).flatMap(page =>
        properties(page)
          .filter(([, s]) => s['ui:field'] === 'Secret')
          .map(([id]) => id),
      );
      expect(secretFields).toEqual(['forgeToken']);
      const uses = [
        ...text.matchAll(/^\s*(\w+): \$\{\{ secrets\.(\w+) \}\}$/gm),
      ];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, input, secret] of uses) {
        expect({ input, secret }).toEqual({
          input: 'token',
          secret: 'forgeToken',
        });
      }
      expect(text.match(/secrets\./g)).toHaveLength(uses.length);
    }
  });

  it('shows the direct delivery only to those who may apply directly', async () => {
    for (const { entity } of await loadTemplates()) {
      const pages = entity.spec.parameters as Page[];
      const direct = pages.filter(p => p.properties?.delivery);
      expect(direct).toHaveLength(1);
      expect(direct[0]['backstage:permissions']).toEqual({
        tags: [DIRECT_APPLY_TAG],
      });
      expect(direct[0].properties!.delivery.default).toBe('pull-request');
      // The pull request page is the only other place delivery matters, and hides itself.
      const pr = pages.find(p => p.title === 'Pull request')!;
      expect(pr.when).toBe("${{ parameters.delivery != 'direct' }}");
      // Steps that write to the cluster run only for direct delivery; the actions check the
      // permission themselves, so they are not hidden (a hidden step would turn a forged direct
      // request into a silent no-op).
      const writers = (entity.spec.steps as JsonObject[]).filter(step =>
        /^layering:(cluster:apply|pool:pause|pool:resume|layer:revert)$/.test(
          String(step.action),
        ),
      );
      expect(writers.length).toBeGreaterThan(0);
      expect(
        writers.filter(
          step => !String(step.if).includes("parameters.delivery == 'direct'"),
        ),
      ).toEqual([]);
      expect(writers.filter(step => 'backstage:permissions' in step)).toEqual(
        [],
      );
    }
  });

  it('names pull request branches from cluster, pool and request', async () => {
    for (const { entity } of await loadTemplates()) {
      const publish = (entity.spec.steps as JsonObject[]).filter(s =>
        String(s.action).startsWith('publish:'),
      );
      expect(publish.map(s => s.action).sort()).toEqual([
        'publish:github:pull-request',
        'publish:gitlab:merge-request',
      ]);
      for (const step of publish) {
        expect((step.input as JsonObject).branchName).toMatch(
          /^layering\/\$\{\{ parameters\.target\.cluster \}\}\/\$\{\{ parameters\.target\.pool \}\}\/[a-z${}. -]+$/,
        );
      }
      const github = publish.find(
        s => s.action === 'publish:github:pull-request',
      )!;
      expect((github.input as JsonObject).update).toBe(true);
    }
  });
});
