import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { LAYERED_IMAGE } from '../../__fixtures__/pools';
import { ImageReference } from './ImageReference';

describe('ImageReference', () => {
  it('shows the short digest with the full reference as its title', async () => {
    await renderInTestApp(<ImageReference reference={LAYERED_IMAGE} />);
    const text = await screen.findByText('sha256:b8ef41d2c7a9');
    expect(text).toHaveAttribute('title', LAYERED_IMAGE);
    expect(
      screen.getByRole('button', { name: 'Copy image reference' }),
    ).toBeInTheDocument();
  });
});
