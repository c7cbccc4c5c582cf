import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { layeringApiRef, type LayeringApi } from './api';
import {
  layeringClusterEntityCard,
  layeringPoolEntityCard,
  layeringPoolEntityContent,
  layeringPoolPickerFormField,
  layeringContainerfileEditorFormField,
  layeringBaseImageFormField,
  layeringPoolSettingFormField,
  layeringRequestPreviewFormField,
  layeringDeliveryPickerFormField,
  layeringForgePickerFormField,
} from './plugin';
import layeringPlugin from '.';
import { isLayeringAvailable, isLayeringClusterAvailable } from './filters';
import { clusterWith, inSyncPool } from './__fixtures__/pools';
import { mountedRoutes } from './__fixtures__/routes';

const poolEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'ocp-418-master',
    annotations: {
      'layering.openshift.io/cluster': 'ocp-418',
      'layering.openshift.io/pool': 'master',
    },
  },
  spec: {
    type: 'openshift-machine-config-pool',
    owner: 'group:default/platform',
  },
};

const componentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: {
      // A component that happens to carry our annotations is still not a pool.
      'layering.openshift.io/cluster': 'ocp-418',
      'layering.openshift.io/pool': 'master',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
};

const clusterEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'ocp-418',
    annotations: { 'layering.openshift.io/cluster': 'ocp-418' },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
};

const markerCard = EntityCardBlueprint.make({
  name: 'marker',
  params: { loader: async () => <div>always shown</div> },
});

function layeringApi(): LayeringApi {
  return {
    getCluster: jest.fn(async () => clusterWith(inSyncPool)),
    getRequests: jest.fn(async () => []),
  } as unknown as LayeringApi;
}

describe('isLayeringAvailable', () => {
  it('accepts pool resources that name their cluster and pool', () => {
    expect(isLayeringAvailable(poolEntity)).toBe(true);
  });

  it('refuses other kinds, other resource types and missing annotations', () => {
    expect(isLayeringAvailable(componentEntity)).toBe(false);
    expect(isLayeringAvailable(clusterEntity)).toBe(false);
    expect(
      isLayeringAvailable({
        ...poolEntity,
        metadata: {
          name: 'x',
          annotations: { 'layering.openshift.io/cluster': 'ocp-418' },
        },
      }),
    ).toBe(false);
  });

  it('tells cluster entities apart', () => {
    expect(isLayeringClusterAvailable(clusterEntity)).toBe(true);
    expect(isLayeringClusterAvailable(poolEntity)).toBe(false);
  });
});

describe('entity extensions', () => {
  it('shows the pool card on a pool entity page', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: poolEntity }),
        layeringPoolEntityCard,
      ],
      apis: [[layeringApiRef, layeringApi()], catalogApiMock()],
      mountedRoutes,
    });
    expect(await screen.findByText('In sync')).toBeInTheDocument();
    expect(screen.getByText('Image layering')).toBeInTheDocument();
  });

  it('hides the pool card on other entities', async () => {
    const api = layeringApi();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: componentEntity }),
        markerCard,
        layeringPoolEntityCard,
        layeringClusterEntityCard,
      ],
      apis: [[layeringApiRef, api], catalogApiMock()],
      mountedRoutes,
    });
    // Wait for a card without a filter to render: ours would have come with it.
    expect(await screen.findByText('always shown')).toBeInTheDocument();
    expect(screen.queryByText('Image layering')).not.toBeInTheDocument();
    expect(api.getCluster).not.toHaveBeenCalled();
  });

  it('shows the cluster card on a cluster entity page only', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: clusterEntity }),
        layeringPoolEntityCard,
        layeringClusterEntityCard,
      ],
      apis: [[layeringApiRef, layeringApi()], catalogApiMock()],
      mountedRoutes,
    });
    expect(
      await screen.findByRole('list', { name: 'Pools' }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Image layering')).toHaveLength(1);
  });

  it('shows the pool tab on a pool entity page', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: poolEntity }),
        layeringPoolEntityContent,
      ],
      apis: [
        [
          layeringApiRef,
          {
            ...layeringApi(),
            getPool: jest.fn(async () => ({
              ...inSyncPool,
              nodes: [],
              builds: [],
            })),
          } as unknown as LayeringApi,
        ],
        catalogApiMock(),
      ],
      mountedRoutes,
    });
    expect(await screen.findByText('RHCOS build per node')).toBeInTheDocument();
  });
});

describe('plugin', () => {
  it('loads the pool setting field', async () => {
    const loader = createExtensionTester(layeringPoolSettingFormField).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    expect((await loader()).$$type).toBe('@backstage/scaffolder/FormField');
  });

  it('has the layering id and the documented extension ids', () => {
    expect(layeringPlugin.pluginId).toBe('layering');
    for (const id of [
      'api:layering',
      'entity-card:layering/pool',
      'entity-card:layering/cluster',
      'entity-content:layering/pool',
      'page:layering',
      'scaffolder-form-field:layering/pool-picker',
      'scaffolder-form-field:layering/containerfile-editor',
      'scaffolder-form-field:layering/base-image',
      'scaffolder-form-field:layering/pool-setting',
      'scaffolder-form-field:layering/request-preview',
      'scaffolder-form-field:layering/delivery-picker',
      'scaffolder-form-field:layering/forge-picker',
    ] as const) {
      expect(layeringPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('loads the six scaffolder fields', async () => {
    const loaders = [
      createExtensionTester(layeringPoolPickerFormField).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      ),
      createExtensionTester(layeringContainerfileEditorFormField).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      ),
      createExtensionTester(layeringBaseImageFormField).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      ),
      createExtensionTester(layeringRequestPreviewFormField).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      ),
      createExtensionTester(layeringDeliveryPickerFormField).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      ),
      createExtensionTester(layeringForgePickerFormField).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      ),
    ];
    const names = await Promise.all(
      loaders.map(async loader => (await loader()).$$type),
    );
    expect(names).toEqual(Array(6).fill('@backstage/scaffolder/FormField'));
  });
});
