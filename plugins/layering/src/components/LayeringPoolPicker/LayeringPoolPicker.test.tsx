import { useState } from 'react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  apiHolder,
  fieldProps,
  fieldValidation,
} from '../../__fixtures__/fieldProps';
import {
  behindReleasesPool,
  buildingPool,
  clusterWith,
  degradedPool,
  inSyncPool,
  okCluster,
  pausedPool,
  unreachableCluster,
  unreachablePool,
} from '../../__fixtures__/pools';
import { LayeringPoolPicker } from './LayeringPoolPicker';
import { poolRefusals, type LayeringPoolPickerValue } from './rules';
import { layeringPoolPickerValidation } from './validation';

describe('poolRefusals', () => {
  it('accepts a healthy pool by default', () => {
    expect(poolRefusals(inSyncPool, okCluster)).toEqual([]);
  });

  it('refuses degraded pools unless allowed', () => {
    expect(poolRefusals(degradedPool, okCluster)).toEqual([
      'Pool worker is degraded (1 node): fix it before changing its image.',
    ]);
    expect(
      poolRefusals(degradedPool, okCluster, { forbidDegraded: false }),
    ).toEqual([]);
  });

  it('refuses pools in the wrong layering mode', () => {
    expect(
      poolRefusals(behindReleasesPool, okCluster, {
        requireMode: 'on-cluster',
      }),
    ).toEqual([
      'Pool worker is out-of-cluster layered; this template needs a pool that is on-cluster layered.',
    ]);
    expect(
      poolRefusals(behindReleasesPool, okCluster, {
        requireMode: ['none', 'out-of-cluster'],
      }),
    ).toEqual([]);
  });

  it('refuses paused and building pools when asked to', () => {
    expect(poolRefusals(pausedPool, okCluster)).toEqual([]);
    expect(poolRefusals(pausedPool, okCluster, { forbidPaused: true })).toEqual(
      ['Pool infra is paused; resume it first.'],
    );
    expect(
      poolRefusals(buildingPool, okCluster, { forbidBuilding: true })[0],
    ).toMatch(/in progress/);
  });

  it('refuses pools whose cluster cannot be read', () => {
    expect(poolRefusals(unreachablePool, unreachableCluster)[0]).toMatch(
      /cannot read cluster ocp-417/,
    );
  });
});

describe('layeringPoolPickerValidation', () => {
  const api = {
    getCluster: jest.fn(async () =>
      clusterWith(inSyncPool, degradedPool, pausedPool),
    ),
  };

  it('requires a cluster and a pool', async () => {
    const { field, errors } = fieldValidation();
    await layeringPoolPickerValidation(
      { cluster: 'ocp-418' } as LayeringPoolPickerValue,
      field,
      { apiHolder: apiHolder(api), formData: {}, schema: {} },
    );
    expect(errors).toEqual(['Choose a pool.']);
  });

  it("re-reads the pool and applies the template's rules", async () => {
    const { field, errors } = fieldValidation();
    await layeringPoolPickerValidation(
      { cluster: 'ocp-418', pool: 'infra' },
      field,
      {
        apiHolder: apiHolder(api),
        formData: {},
        schema: {},
        uiSchema: { 'ui:options': { requireMode: 'none' } },
      },
    );
    expect(errors).toEqual([
      'Pool infra is on-cluster layered; this template needs a pool that is not layered.',
    ]);
  });

  it('accepts a pool that can take the request', async () => {
    const { field, errors } = fieldValidation();
    await layeringPoolPickerValidation(
      { cluster: 'ocp-418', pool: 'master' },
      field,
      { apiHolder: apiHolder(api), formData: {}, schema: {} },
    );
    expect(errors).toEqual([]);
  });

  it('reports an unknown pool', async () => {
    const { field, errors } = fieldValidation();
    await layeringPoolPickerValidation(
      { cluster: 'ocp-418', pool: 'gpu' },
      field,
      { apiHolder: apiHolder(api), formData: {}, schema: {} },
    );
    expect(errors).toEqual(['Cluster ocp-418 has no pool named gpu.']);
  });
});

describe('LayeringPoolPicker', () => {
  it("shows each pool's state and refuses pools that cannot take the request", async () => {
    const onChange = jest.fn();
    const api = {
      getClusters: jest.fn(async () => [okCluster, unreachableCluster]),
      getPools: jest.fn(async () => [inSyncPool, degradedPool, pausedPool]),
    } as unknown as LayeringApi;
    function Harness() {
      const [value, setValue] = useState<LayeringPoolPickerValue | undefined>();
      return (
        <LayeringPoolPicker
          {...fieldProps({
            title: 'Pool',
            formData: value,
            onChange: (v: LayeringPoolPickerValue | undefined) => {
              onChange(v);
              setValue(v);
            },
            uiOptions: { forbidDegraded: true },
          })}
        />
      );
    }
    await renderInTestApp(<Harness />, { apis: [[layeringApiRef, api]] });

    await userEvent.click(
      await screen.findByRole('button', { name: /Cluster/ }),
    );
    const clusters = await screen.findByRole('listbox');
    expect(
      within(clusters).getByText('Cluster unreachable'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(clusters).getByRole('option', { name: /ocp-418/ }),
    );
    expect(onChange).toHaveBeenLastCalledWith({ cluster: 'ocp-418' });
    expect(api.getPools).toHaveBeenCalledWith('ocp-418');

    await userEvent.click(await screen.findByRole('button', { name: /Pool/ }));
    const pools = await screen.findByRole('listbox');
    const worker = within(pools).getByRole('option', { name: /worker/ });
    expect(worker).toHaveAttribute('aria-disabled', 'true');
    expect(worker).toHaveTextContent(/Not available: Pool worker is degraded/);
    const infra = within(pools).getByRole('option', { name: /infra/ });
    expect(infra).toHaveTextContent(
      /In sync · On-cluster layering · 0\/1 updated · paused/,
    );
    await userEvent.click(infra);
    expect(onChange).toHaveBeenLastCalledWith({
      cluster: 'ocp-418',
      pool: 'infra',
    });
    expect(await screen.findByText('In sync')).toBeInTheDocument();
  });
});
