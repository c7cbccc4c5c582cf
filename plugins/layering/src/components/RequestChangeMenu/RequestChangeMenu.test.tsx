import { act, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mountedRoutes } from '../../__fixtures__/routes';
import { prefillQuery, RequestChangeMenu } from './RequestChangeMenu';

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
