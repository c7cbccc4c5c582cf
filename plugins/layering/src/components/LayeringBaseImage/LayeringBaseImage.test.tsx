import { useState } from 'react';
import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  apiHolder,
  fieldProps,
  fieldValidation,
} from '../../__fixtures__/fieldProps';
import { RELEASE_IMAGE, release } from '../../__fixtures__/pools';
import { LayeringBaseImage } from './LayeringBaseImage';
import { layeringBaseImageValidation } from './validation';

describe('layeringBaseImageValidation', () => {
  it('accepts an image by digest', async () => {
    const { field, errors } = fieldValidation();
    await layeringBaseImageValidation(RELEASE_IMAGE, field, {
      apiHolder: apiHolder({}),
      formData: {},
      schema: {},
    });
    expect(errors).toEqual([]);
  });

  it('refuses tags, missing registries and empty values', async () => {
    for (const value of [
      'quay.io/a/b:4.18',
      `a/b@sha256:${'a'.repeat(64)}`,
      '',
    ]) {
      const { field, errors } = fieldValidation();
      await layeringBaseImageValidation(value, field, {
        apiHolder: apiHolder({}),
        formData: {},
        schema: {},
      });
      expect(errors.length).toBeGreaterThan(0);
    }
  });
});

describe('LayeringBaseImage', () => {
  function Harness(props: { initial?: string }) {
    const [value, setValue] = useState<string | undefined>(props.initial);
    return (
      <>
        <LayeringBaseImage
          {...fieldProps({
            title: 'Base image',
            formData: value,
            onChange: setValue,
            formContext: {
              formData: { target: { cluster: 'ocp-418', pool: 'worker' } },
            },
          })}
        />
        <output>{value ?? 'empty'}</output>
      </>
    );
  }

  it("prefills the chosen cluster's release image by digest", async () => {
    const getRelease = jest.fn(async () => release);
    await renderInTestApp(<Harness />, {
      apis: [[layeringApiRef, { getRelease } as unknown as LayeringApi]],
    });
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(RELEASE_IMAGE),
    );
    expect(getRelease).toHaveBeenCalledWith('ocp-418');
    expect(
      screen.getByText(
        /Release 4\.18\.21 of ocp-418 · RHCOS 418\.94\.202507221249-0/,
      ),
    ).toBeInTheDocument();
  });

  it("keeps the user's value and flags a tag", async () => {
    const getRelease = jest.fn(async () => release);
    await renderInTestApp(<Harness initial="quay.io/a/b:4.18" />, {
      apis: [[layeringApiRef, { getRelease } as unknown as LayeringApi]],
    });
    expect(
      await screen.findByRole('button', { name: 'Use the release image' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('quay.io/a/b:4.18');
    expect(screen.getByText(/must be given by digest/)).toBeInTheDocument();
  });
});
