import { useState } from 'react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { layeringApiRef, type LayeringApi } from '../../api';
import { clusterWith, inSyncPool } from '../../__fixtures__/pools';
import { LayeringContainerfileEditor } from './LayeringContainerfileEditor';
import { layeringContainerfileEditorValidation } from './validation';
import {
  apiHolder,
  fieldProps,
  fieldValidation,
} from '../../__fixtures__/fieldProps';
import { containerfileIssues } from './rules';

const GOOD = [
  'FROM configs AS final',
  'RUN rpm-ostree install tmux && \\',
  '    ostree container commit',
  '',
].join('\n');
const OTHER_IMAGE =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:0000000000000000000000000000000000000000000000000000000000000000';
const NO_FINAL = 'FROM quay.io/x/y:latest\nRUN dnf install -y tmux\n';

describe('containerfileIssues', () => {
  it('accepts a valid on-cluster Containerfile', () => {
    expect(containerfileIssues(GOOD, { mode: 'on-cluster' })).toEqual([]);
  });

  it('requires FROM configs AS final on-cluster and a digest base out-of-cluster', () => {
    expect(
      containerfileIssues(NO_FINAL, { mode: 'on-cluster' }).filter(
        i => i.severity === 'error',
      ),
    ).toEqual([expect.objectContaining({ line: 1 })]);
    const outOfCluster = containerfileIssues(NO_FINAL, {
      mode: 'out-of-cluster',
    });
    expect(outOfCluster.find(i => i.severity === 'error')?.message).toMatch(
      /by digest/,
    );
  });

  it('applies the v1 length limit of MachineOSConfig content', () => {
    const long = `${GOOD}${'# padding\n'.repeat(500)}`;
    expect(
      containerfileIssues(long, { mode: 'on-cluster', apiVersion: 'v1' }).some(
        i => i.severity === 'error' && /4096/.test(i.message),
      ),
    ).toBe(true);
  });
});

describe('layeringContainerfileEditorValidation', () => {
  it('reports errors but not warnings', async () => {
    const { field, errors } = fieldValidation();
    await layeringContainerfileEditorValidation(NO_FINAL, field, {
      apiHolder: apiHolder({}),
      formData: {},
      schema: {},
      uiSchema: { 'ui:options': { mode: 'on-cluster' } },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/FROM configs AS final/);
  });

  it('passes valid content', async () => {
    const { field, errors } = fieldValidation();
    await layeringContainerfileEditorValidation(GOOD, field, {
      apiHolder: apiHolder({
        getCluster: jest.fn(async () => clusterWith(inSyncPool)),
      }),
      formData: { target: { cluster: 'ocp-418', pool: 'infra' } },
      schema: {},
    });
    expect(errors).toEqual([]);
  });

  it('refuses empty content', async () => {
    const { field, errors } = fieldValidation();
    await layeringContainerfileEditorValidation('', field, {
      apiHolder: apiHolder({}),
      formData: {},
      schema: {},
    });
    expect(errors).toEqual(['The Containerfile is empty.']);
  });
});

describe('LayeringContainerfileEditor', () => {
  function Harness() {
    const [value, setValue] = useState<string | undefined>();
    return (
      <LayeringContainerfileEditor
        {...fieldProps({
          title: 'Containerfile',
          uiOptions: { mode: 'on-cluster' as const },
          formData: value,
          onChange: setValue,
          required: true,
        })}
      />
    );
  }

  it('shows errors as you type and clears them when fixed', async () => {
    await renderInTestApp(<Harness />, {
      apis: [
        [layeringApiRef, { getCluster: jest.fn() } as unknown as LayeringApi],
      ],
    });
    const textarea = await screen.findByRole('textbox');
    fireEvent.change(textarea, { target: { value: NO_FINAL } });
    expect(
      await screen.findByText(/must be "FROM configs AS final"/),
    ).toBeInTheDocument();
    expect(screen.getByText(/ostree container commit/)).toBeInTheDocument();

    fireEvent.change(textarea, { target: { value: GOOD } });
    await waitFor(() =>
      expect(
        screen.queryByText(/must be "FROM configs AS final"/),
      ).not.toBeInTheDocument(),
    );
  });

  it('warns when the base is not the chosen cluster release image', async () => {
    const getCluster = jest.fn(async () => clusterWith(inSyncPool));
    function OutOfCluster() {
      const [value, setValue] = useState<string | undefined>(
        `FROM ${OTHER_IMAGE}\nRUN rpm-ostree install tmux && ostree container commit\n`,
      );
      return (
        <LayeringContainerfileEditor
          {...fieldProps({
            uiOptions: { mode: 'out-of-cluster' as const },
            formData: value,
            onChange: setValue,
            formContext: {
              formData: { target: { cluster: 'ocp-418', pool: 'worker' } },
            },
          })}
        />
      );
    }
    await renderInTestApp(<OutOfCluster />, {
      apis: [[layeringApiRef, { getCluster } as unknown as LayeringApi]],
    });
    expect(
      await screen.findByText(/not this cluster's current rhel-coreos image/),
    ).toBeInTheDocument();
    expect(getCluster).toHaveBeenCalledWith('ocp-418');
    expect(screen.queryByText(/must start FROM/)).not.toBeInTheDocument();
  });
});
