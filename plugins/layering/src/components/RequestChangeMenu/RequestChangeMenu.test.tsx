import { act, screen, waitFor } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { EvaluatePermissionRequest } from '@backstage/plugin-permission-common';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mountedRoutes } from '../../__fixtures__/routes';
import { prefillQuery, RequestChangeMenu } from './RequestChangeMenu';

// Renders are slow on a loaded machine; no test here waits on time, only on conditions.
jest.setTimeout(30_000);

describe('prefillQuery', () => {
  it('puts the picker value under the template parameter as JSON', () => {
    const query = prefillQuery('target', 'ocp-418', 'infra');
    expect(
      JSON.parse(new URLSearchParams(query.slice(1)).get('formData') ?? ''),
    ).toEqual({ target: { cluster: 'ocp-418', pool: 'infra' } });
  });
});

describe('RequestChangeMenu', () => {
  it('asks the catalog for the tagged templates and hides itself when there are none', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntities: jest.fn(async () => ({ items: [] })),
    });
    await renderInTestApp(
      <>
        <RequestChangeMenu
          cluster="ocp-418"
          pool="infra"
          templateTag="ocp-layering"
        />
        <span>rendered</span>
      </>,
      { apis: [catalogApi], mountedRoutes },
    );
    expect(await screen.findByText('rendered')).toBeInTheDocument();
    // Let the catalog answer before looking for the button.
    await act(async () => {
      await Promise.resolve();
    });
    expect(catalogApi.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: { kind: 'Template', 'metadata.tags': 'ocp-layering' },
      }),
    );
    expect(
      screen.queryByRole('button', { name: 'Request a change' }),
    ).not.toBeInTheDocument();
  });
});

describe('RequestChangeMenu permissions', () => {
  const templates = {
    items: [
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'on-cluster-layer', namespace: 'default', title: 'On-cluster layer' },
      },
    ],
  };

  // Each test uses its own pool: usePermission caches answers by resource ref across renders.
  async function renderWith(
    pool: string,
    decide: (request: EvaluatePermissionRequest) => AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) {
    const asked: EvaluatePermissionRequest[] = [];
    const catalogApi = catalogApiMock.mock({
      getEntities: jest.fn(async () => templates as any),
    });
    await renderInTestApp(
      <>
        <RequestChangeMenu cluster="ocp-418" pool={pool} />
        <span>rendered</span>
      </>,
      {
        apis: [
          catalogApi,
          mockApis.permission({
            authorize: request => {
              asked.push(request);
              return decide(request);
            },
          }),
        ],
        mountedRoutes,
      },
    );
    expect(await screen.findByText('rendered')).toBeInTheDocument();
    return asked;
  }

  it('offers the templates to a user who may ask for a change to the pool', async () => {
    const asked = await renderWith('gpu', request =>
      request.permission.name === 'layering.pool.request'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    expect(
      await screen.findByRole('button', { name: 'Request a change' }),
    ).toBeInTheDocument();
    expect(asked).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          permission: expect.objectContaining({ name: 'layering.pool.request' }),
          resourceRef: 'resource:default/ocp-418-gpu',
        }),
        expect.objectContaining({
          permission: expect.objectContaining({ name: 'layering.cluster.apply' }),
          resourceRef: 'resource:default/ocp-418-gpu',
        }),
      ]),
    );
  });

  it('hides the menu from a user who may neither ask for nor apply a change', async () => {
    const asked = await renderWith('ml', () => AuthorizeResult.DENY);
    // Wait until both decisions have been asked for, then let their answers render.
    await waitFor(() => expect(asked).toHaveLength(2));
    await act(async () => {
      await Promise.resolve();
    });
    expect(asked.map(r => r.permission.name).sort()).toEqual([
      'layering.cluster.apply',
      'layering.pool.request',
    ]);
    expect(
      screen.queryByRole('button', { name: 'Request a change' }),
    ).not.toBeInTheDocument();
  });
});
