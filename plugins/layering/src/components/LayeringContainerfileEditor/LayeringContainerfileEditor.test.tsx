import { useState } from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
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

  describe('prefillFromPool', () => {
    const POOL_CONTENT =
      'FROM configs AS final\nRUN dnf install -y tmux && \\\n    ostree container commit';
    const settings = {
      mode: 'on-cluster' as const,
      name: 'infra',
      apiVersion: 'machineconfiguration.openshift.io/v1',
      containerfiles: [
        { arch: 'ARM64', content: 'FROM configs AS final\n# arm only' },
        { arch: 'NoArch', content: POOL_CONTENT },
      ],
      renderedImagePushSpec: 'registry.example.com/os/infra:latest',
      renderedImagePushSecret: 'infra-push',
      baseImagePullSecret: null,
      currentImage: null,
    };
    const TEMPLATE_DEFAULT = 'FROM configs AS final\n# add your lines\n';

    function Prefilled(props: { initial?: string; target?: unknown }) {
      const [value, setValue] = useState<string | undefined>(props.initial);
      const base = fieldProps({
        title: 'Containerfile',
        uiOptions: {
          mode: 'on-cluster' as const,
          poolField: 'target',
          prefillFromPool: true,
        },
        formData: value,
        onChange: setValue,
        formContext: { formData: { target: props.target } },
      });
      return (
        <LayeringContainerfileEditor
          {...base}
          schema={{ ...base.schema, default: TEMPLATE_DEFAULT }}
        />
      );
    }

    const apis = (getPoolLayering: jest.Mock) =>
      [
        [
          layeringApiRef,
          {
            getCluster: jest.fn(async () => clusterWith(inSyncPool)),
            getPoolLayering,
          } as unknown as LayeringApi,
        ],
      ] as const;

    it("fills an empty editor with the pool's NoArch Containerfile, once", async () => {
      const getPoolLayering = jest.fn(async () => settings);
      await renderInTestApp(
        <Prefilled target={{ cluster: 'ocp-418', pool: 'infra' }} />,
        { apis: apis(getPoolLayering) },
      );
      const textarea = await screen.findByRole('textbox');
      await waitFor(() => expect(textarea).toHaveValue(POOL_CONTENT));
      expect(getPoolLayering).toHaveBeenCalledWith('ocp-418', 'infra');
      expect(
        screen.getByText(/Prefilled with the current Containerfile of pool infra/),
      ).toBeInTheDocument();
      // Clearing it is the user's choice: it stays empty.
      fireEvent.change(textarea, { target: { value: '' } });
      await waitFor(() => expect(textarea).toHaveValue(''));
      expect(getPoolLayering).toHaveBeenCalledTimes(1);
    });

    it('replaces the template default', async () => {
      const getPoolLayering = jest.fn(async () => settings);
      await renderInTestApp(
        <Prefilled
          initial={TEMPLATE_DEFAULT}
          target={{ cluster: 'ocp-418', pool: 'infra' }}
        />,
        { apis: apis(getPoolLayering) },
      );
      const textarea = await screen.findByRole('textbox');
      await waitFor(() => expect(textarea).toHaveValue(POOL_CONTENT));
    });

    it('never replaces what the user typed', async () => {
      const typed = 'FROM configs AS final\nRUN echo mine\n';
      let resolve: (value: typeof settings) => void = () => {};
      const getPoolLayering = jest.fn(
        () =>
          new Promise<typeof settings>(r => {
            resolve = r;
          }),
      );
      await renderInTestApp(
        <Prefilled target={{ cluster: 'ocp-418', pool: 'infra' }} />,
        { apis: apis(getPoolLayering) },
      );
      const textarea = await screen.findByRole('textbox');
      await waitFor(() => expect(getPoolLayering).toHaveBeenCalled());
      fireEvent.change(textarea, { target: { value: typed } });
      await act(async () => {
        resolve(settings);
      });
      expect(textarea).toHaveValue(typed);
      expect(screen.queryByText(/Prefilled with/)).not.toBeInTheDocument();
    });

    it('asks nothing until a pool is chosen', async () => {
      const getPoolLayering = jest.fn(async () => settings);
      await renderInTestApp(<Prefilled target={{ cluster: 'ocp-418' }} />, {
        apis: apis(getPoolLayering),
      });
      expect(await screen.findByRole('textbox')).toHaveValue('');
      // Let the cluster lookup settle, so a pool lookup would have started too.
      await act(() => new Promise<void>(resolve => setTimeout(resolve, 0)));
      expect(getPoolLayering).not.toHaveBeenCalled();
    });
  });
});
