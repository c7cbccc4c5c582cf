import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  layeringPoolReadPermission,
  type LayeringForecastResponse,
  type LayeringOfferedUpdate,
} from '@rhcos-layering/plugin-layering-common';
import express from 'express';
import request from 'supertest';
import { FixedFleet, testPoolView } from '../__testUtils__/FixedFleet';
import { createLayeringPoolConditionalDecision, layeringPoolConditions } from '../permissions';
import { allowEverything, answerEvery, testPoolResources } from '../__testUtils__/permissionMocks';
import { ForecastService } from '../services/forecast/ForecastService';
import { createForecastRoutes } from './forecast';

/** A fixed fleet whose clusters are offered 4.18.24. */
class OfferingFleet extends FixedFleet {
  getRelease(cluster: string) {
    const release = super.getRelease(cluster);
    const updates: LayeringOfferedUpdate[] = [
      { version: '4.18.24', image: `quay.io/openshift-release-dev/ocp-release@sha256:${'f'.repeat(64)}`, conditional: false },
    ];
    return release ? { ...release, updates } : undefined;
  }
}

describe('forecast routes and permissions', () => {
  const fleet = new OfferingFleet(
    ['alpha'],
    [testPoolView('alpha', 'master'), testPoolView('alpha', 'worker')],
  );
  const authorize = jest.fn();
  const authorizeConditional = jest.fn();
  const read = jest.fn(async () => ({
    rhcosImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${'c'.repeat(64)}`,
    rhcosVersion: '418.94.202508201022-0',
  }));
  let app: express.Express;

  beforeEach(() => {
    allowEverything(authorize, authorizeConditional);
    read.mockClear();
    app = express();
    app.use(
      createForecastRoutes({
        fleet,
        forecast: new ForecastService({ fleet, releases: { read } }),
        httpAuth: mockServices.httpAuth({ pluginId: 'layering' }),
        permissions: mockServices.permissions.mock({ authorize, authorizeConditional }),
        poolResources: testPoolResources(fleet),
      }),
    );
    app.use(mockErrorHandler());
  });

  it('forecasts every pool when layering.pool.read is allowed, reading the offered payload', async () => {
    const res = await request(app).get('/clusters/alpha/forecast?to=4.18.24');
    expect(res.status).toBe(200);
    expect((res.body as LayeringForecastResponse).pools.map(p => p.name)).toEqual(['master', 'worker']);
    expect(read).toHaveBeenCalledWith('alpha', expect.stringContaining('ocp-release@sha256:fff'));
  });

  it('leaves out the pools the conditions do not allow', async () => {
    authorizeConditional.mockImplementation(async (requests: unknown[]) =>
      requests.map(() =>
        createLayeringPoolConditionalDecision(layeringPoolReadPermission, {
          anyOf: [layeringPoolConditions.isInCluster({ clusters: ['beta'] })],
        }),
      ),
    );
    const res = await request(app).get('/clusters/alpha/forecast?to=4.18.24');
    expect(res.status).toBe(200);
    expect(res.body.pools).toEqual([]);
  });

  it('answers no pool when layering.pool.read is denied', async () => {
    answerEvery(authorizeConditional, AuthorizeResult.DENY);
    const res = await request(app).get('/clusters/alpha/forecast?to=4.18.24');
    expect(res.status).toBe(200);
    expect(res.body.pools).toEqual([]);
  });

  it('guards the offered updates with layering.cluster.read', async () => {
    expect((await request(app).get('/clusters/alpha/updates')).status).toBe(200);
    answerEvery(authorize, AuthorizeResult.DENY);
    const res = await request(app).get('/clusters/alpha/updates');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('layering.cluster.read');
  });

  it('says what is missing when the target payload cannot be read', async () => {
    read.mockImplementationOnce(async () => ({
      rhcosImage: null,
      rhcosVersion: null,
      problem: 'The registry does not serve the release payload x.',
    }) as never);
    fleet.pools = [
      {
        ...testPoolView('alpha', 'worker'),
        layering: { mode: 'out-of-cluster', source: 'os-layer-custom' },
        image: { target: `registry.example.com/os@sha256:${'b'.repeat(64)}`, baseRhcosVersion: '418.94.202506121335-0' },
      },
    ];
    const res = await request(app).get('/clusters/alpha/forecast?to=4.18.24');
    expect(res.status).toBe(200);
    expect(res.body.rhcosVersion).toBeNull();
    expect(res.body.pools[0].drift.status).toBe('unknown');
    expect(res.body.pools[0].drift.reason).toContain('does not serve the release payload');
  });
});

describe('offered updates', () => {
  it('leaves out the release the cluster already runs', () => {
    const fleet = new OfferingFleet(['alpha'], []);
    const release = fleet.getRelease('alpha')!;
    const service = new ForecastService({
      fleet: Object.assign(Object.create(fleet), {
        getRelease: () => ({
          ...release,
          updates: [
            { version: '4.18.21', image: `x@sha256:${'a'.repeat(64)}`, conditional: false },
            { version: '4.18.9', image: `x@sha256:${'b'.repeat(64)}`, conditional: false },
            { version: '4.18.24', image: `x@sha256:${'c'.repeat(64)}`, conditional: false },
          ],
        }),
      }),
      releases: { read: async () => ({ rhcosImage: null, rhcosVersion: null }) },
    });
    expect(service.updates('alpha').updates.map(u => u.version)).toEqual(['4.18.24', '4.18.9']);
  });
});
