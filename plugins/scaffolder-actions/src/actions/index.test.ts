import { mockServices } from '@backstage/backend-test-utils';
import { createLayeringActions } from '.';
import { ClusterClients } from '../kubernetes/ClusterClients';
import { RecordingLayeringBackend } from '../__testUtils__/backend';
import { testConfig } from '../__testUtils__/cluster';

const actions = createLayeringActions({
  clusters: new ClusterClients([], { logger: mockServices.logger.mock() }),
  backend: new RecordingLayeringBackend(),
  permissions: mockServices.permissions.mock(),
  config: testConfig,
});

/** Paths of schema properties (recursively, including array items) that lack a description. */
function undescribed(schema: any, path: string): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const missing: string[] = [];
  for (const [name, property] of Object.entries<any>(schema.properties ?? {})) {
    const here = `${path}.${name}`;
    if (!property.description) missing.push(here);
    missing.push(...undescribed(property, here));
    if (property.items) missing.push(...undescribed(property.items, `${here}[]`));
  }
  return missing;
}

describe('the layering actions', () => {
  it('follow the id scheme layering:<noun>:<verb> and support dry runs', () => {
    expect(actions).toHaveLength(12);
    for (const action of actions) {
      expect(action.id).toMatch(/^layering:[a-z]+(-[a-z]+)*:[a-z]+$/);
      expect(action.supportsDryRun).toBe(true);
      expect(action.description).toBeTruthy();
      expect(action.examples?.length).toBeGreaterThan(0);
    }
  });

  it.each(actions.map(a => [a.id, a] as const))('%s describes every input and output field', (_id, action) => {
    expect(undescribed(action.schema?.input, 'input')).toEqual([]);
    expect(undescribed(action.schema?.output, 'output')).toEqual([]);
    expect(Object.keys((action.schema?.input as any)?.properties ?? {}).length).toBeGreaterThan(1);
    expect(Object.keys((action.schema?.output as any)?.properties ?? {}).length).toBeGreaterThan(0);
  });
});
