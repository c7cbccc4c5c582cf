import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  entityKindSchemaValidator,
  type Entity,
} from '@backstage/catalog-model';
import { loadTemplates, locationTargets } from '@internal/layering-templates-tests';

describe('the layering templates as catalog entities', () => {
  it('registers every template file of templates/ in all.yaml', async () => {
    const targets = await locationTargets();
    expect(targets.length).toBeGreaterThanOrEqual(1);
  });

  it('validates every template against the scaffolder template schema', async () => {
    for (const { file, entity } of await loadTemplates()) {
      const valid = await templateEntityV1beta3Validator.check(entity as Entity);
      expect({ file, valid }).toEqual({ file, valid: true });
    }
  });
});
