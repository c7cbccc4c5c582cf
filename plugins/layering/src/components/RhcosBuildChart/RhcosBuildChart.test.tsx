import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { PREVIOUS_RHCOS, RELEASE_RHCOS } from '../../__fixtures__/pools';
import { RhcosBuildChart } from './RhcosBuildChart';

describe('RhcosBuildChart', () => {
  it('draws one bar per build and marks the release build', async () => {
    await renderInTestApp(
      <RhcosBuildChart
        builds={[
          { rhcosVersion: RELEASE_RHCOS, count: 1 },
          { rhcosVersion: PREVIOUS_RHCOS, count: 2 },
          { rhcosVersion: null, count: 1 },
        ]}
        releaseRhcosVersion={RELEASE_RHCOS}
      />,
    );
    expect(
      await screen.findByRole('listitem', {
        name: `${RELEASE_RHCOS}: 1 of 4 nodes`,
      }),
    ).toHaveTextContent('(release)');
    expect(
      screen.getByRole('listitem', { name: `${PREVIOUS_RHCOS}: 2 of 4 nodes` }),
    ).not.toHaveTextContent('(release)');
    expect(
      screen.getByRole('listitem', { name: 'unknown build: 1 of 4 nodes' }),
    ).toBeInTheDocument();
  });

  it('says when the pool has no nodes', async () => {
    await renderInTestApp(
      <RhcosBuildChart builds={[]} releaseRhcosVersion={RELEASE_RHCOS} />,
    );
    expect(
      await screen.findByText('No nodes in this pool.'),
    ).toBeInTheDocument();
  });
});
