import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  buildingPool,
  degradedPool,
  inSyncPool,
  pausedPool,
} from '../../__fixtures__/pools';
import { RolloutProgress } from './RolloutProgress';

describe('RolloutProgress', () => {
  it('shows updated of total as a bar', async () => {
    await renderInTestApp(<RolloutProgress pool={degradedPool} />);
    expect(
      await screen.findByText('1 of 3 machines updated'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Rollout progress' }),
    ).toHaveAttribute('aria-valuenow', '33');
    expect(screen.getByText('1 degraded')).toBeInTheDocument();
  });

  it('calls out paused and building pools, and nothing for an idle one', async () => {
    const { unmount } = await renderInTestApp(
      <RolloutProgress pool={pausedPool} />,
    );
    expect(await screen.findByText('Paused')).toBeInTheDocument();
    unmount();
    const second = await renderInTestApp(
      <RolloutProgress pool={buildingPool} />,
    );
    expect(await screen.findByText('Building image')).toBeInTheDocument();
    second.unmount();
    await renderInTestApp(<RolloutProgress pool={inSyncPool} />);
    expect(
      await screen.findByText('3 of 3 machines updated'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Paused')).not.toBeInTheDocument();
    expect(screen.queryByText(/degraded/)).not.toBeInTheDocument();
  });
});
