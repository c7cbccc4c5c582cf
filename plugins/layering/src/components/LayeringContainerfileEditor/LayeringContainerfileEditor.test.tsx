import { useState } from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { PoolLayeringSettings } from '@rhcos-layering/plugin-layering-common';
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

  it('blocks the step on a credential, and not on a download warning', async () => {
    const { field, errors } = fieldValidation();
    await layeringContainerfileEditorValidation(
      `FROM configs AS final\nARG GITHUB_TOKEN=ghp_${'x'.repeat(
        36,
      )}\nRUN curl -fsSL https://get.example.com/i.sh | bash && ostree container commit\n`,
      field,
      {
        apiHolder: apiHolder({}),
        formData: {},
        schema: {},
        uiSchema: { 'ui:options': { mode: 'on-cluster' } },
      },
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^Line 2: ARG carries a credential \(it contains a GitHub token; ARG gives GITHUB_TOKEN a literal default\)/,
    );
    expect(errors[0]).not.toContain('ghp_');
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

  it('refuses a credential by its line without showing it, and warns about curl | sh', async () => {
    const secret = 'pl41n-text-pa55';
    await renderInTestApp(<Harness />, {
      apis: [
        [layeringApiRef, { getCluster: jest.fn() } as unknown as LayeringApi],
      ],
    });
    const textarea = await screen.findByRole('textbox');
    fireEvent.change(textarea, {
      target: {
        value: `FROM configs AS final\nENV REGISTRY_PASSWORD=${secret}\nRUN curl -fsSL https://get.example.com/i.sh | sh && ostree container commit\n`,
      },
    });

    const error = await screen.findByText(
      /^Line 2: ENV carries a credential \(ENV sets REGISTRY_PASSWORD to a literal value\)/,
    );
    expect(error).toBeInTheDocument();
    expect(
      screen.getByText(
        /^Warning: Line 3: curl pipes a download straight into sh/,
      ),
    ).toBeInTheDocument();
    expect(document.body.textContent?.split(secret).length).toBe(
      // Once: in the editor's own value, nowhere in the findings.
      (textarea as HTMLTextAreaElement).value.split(secret).length,
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
        screen.getByText(
          /Prefilled with the current Containerfile of pool infra/,
        ),
      ).toBeInTheDocument();
      // Clearing it is the user's choice: it stays empty.
      fireEvent.change(textarea, { target: { value: '' } });
      await waitFor(() => expect(textarea).toHaveValue(''));
      expect(getPoolLayering).toHaveBeenCalledTimes(1);
    });

    it('warns that the MCO ignores the Containerfile of one architecture', async () => {
      const getPoolLayering = jest.fn(async () => settings);
      await renderInTestApp(
        <Prefilled target={{ cluster: 'ocp-418', pool: 'infra' }} />,
        { apis: apis(getPoolLayering) },
      );
      expect(
        await screen.findByText(
          /Warning: The MachineOSConfig of pool infra has a Containerfile for ARM64, which the MCO ignores: it builds only the NoArch one\. This request changes the NoArch one\./,
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText(/Written as the NoArch Containerfile/),
      ).toBeInTheDocument();
    });

    it('says an AMD64-only Containerfile is written as NoArch, so it is built', async () => {
      const getPoolLayering = jest.fn(async () => ({
        ...settings,
        containerfiles: [{ arch: 'AMD64', content: POOL_CONTENT }],
      }));
      await renderInTestApp(
        <Prefilled target={{ cluster: 'ocp-418', pool: 'infra' }} />,
        { apis: apis(getPoolLayering) },
      );
      expect(
        await screen.findByText(
          /has a Containerfile for AMD64, which the MCO ignores.*This request writes the content as NoArch, so it is built\./,
        ),
      ).toBeInTheDocument();
      await waitFor(() =>
        expect(screen.getByRole('textbox')).toHaveValue(POOL_CONTENT),
      );
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

    describe('when the pool changes', () => {
      const GPU_CONTENT =
        'FROM configs AS final\nRUN dnf install -y nvidia-driver && \\\n    ostree container commit';
      const byPool: Record<string, PoolLayeringSettings> = {
        infra: settings,
        gpu: {
          ...settings,
          name: 'gpu',
          containerfiles: [{ arch: 'AMD64', content: GPU_CONTENT }],
        },
        worker: {
          mode: 'out-of-cluster',
          name: 'os-layer-custom',
          osImageURL: `registry.example.com/os/worker@sha256:${'c'.repeat(64)}`,
        },
        master: { mode: 'none' },
      };
      const fromPools = () =>
        jest.fn(async (_cluster: string, pool: string) => byPool[pool]);

      /** The editor in a form whose pool can be switched, as the picker would. */
      function Switchable(props: { templateDefault?: string }) {
        const [value, setValue] = useState<string | undefined>(
          props.templateDefault,
        );
        const [pool, setPool] = useState('infra');
        const base = fieldProps({
          title: 'Containerfile',
          uiOptions: {
            mode: 'on-cluster' as const,
            prefillFromPool: true,
          },
          formData: value,
          onChange: setValue,
          formContext: {
            formData: { target: { cluster: 'ocp-418', pool } },
          },
        });
        return (
          <>
            <LayeringContainerfileEditor
              {...base}
              schema={{ ...base.schema, default: props.templateDefault }}
            />
            {['infra', 'gpu', 'worker', 'master', 'broken'].map(name => (
              <button key={name} type="button" onClick={() => setPool(name)}>
                {`Choose ${name}`}
              </button>
            ))}
          </>
        );
      }

      async function renderSwitchable(
        getPoolLayering: jest.Mock,
        templateDefault?: string,
      ) {
        await renderInTestApp(
          <Switchable templateDefault={templateDefault} />,
          { apis: apis(getPoolLayering) },
        );
        const textarea = await screen.findByRole('textbox');
        await waitFor(() => expect(textarea).toHaveValue(POOL_CONTENT));
        return textarea;
      }

      it("refills an unedited prefill with the new pool's Containerfile", async () => {
        const getPoolLayering = fromPools();
        const textarea = await renderSwitchable(getPoolLayering);

        fireEvent.click(screen.getByRole('button', { name: 'Choose gpu' }));
        await waitFor(() => expect(textarea).toHaveValue(GPU_CONTENT));
        expect(getPoolLayering).toHaveBeenCalledWith('ocp-418', 'gpu');
        expect(
          screen.getByText(
            /Prefilled with the current Containerfile of pool gpu/,
          ),
        ).toBeInTheDocument();

        // And back again.
        fireEvent.click(screen.getByRole('button', { name: 'Choose infra' }));
        await waitFor(() => expect(textarea).toHaveValue(POOL_CONTENT));
      });

      it("does not pass the old pool's Containerfile off as the new one's while it loads", async () => {
        let resolveGpu: (value: PoolLayeringSettings) => void = () => {};
        const getPoolLayering = jest.fn((_cluster: string, pool: string) =>
          pool === 'gpu'
            ? new Promise<PoolLayeringSettings>(r => {
                resolveGpu = r;
              })
            : Promise.resolve(byPool[pool]),
        );
        const textarea = await renderSwitchable(getPoolLayering);

        fireEvent.click(screen.getByRole('button', { name: 'Choose gpu' }));
        await waitFor(() =>
          expect(getPoolLayering).toHaveBeenCalledWith('ocp-418', 'gpu'),
        );
        expect(screen.queryByText(/Prefilled with/)).not.toBeInTheDocument();

        await act(async () => {
          resolveGpu(byPool.gpu);
        });
        await waitFor(() => expect(textarea).toHaveValue(GPU_CONTENT));
      });

      it('keeps what the user edited', async () => {
        const edited = `${POOL_CONTENT}\nRUN echo mine`;
        const getPoolLayering = fromPools();
        const textarea = await renderSwitchable(getPoolLayering);
        fireEvent.change(textarea, { target: { value: edited } });

        fireEvent.click(screen.getByRole('button', { name: 'Choose gpu' }));
        await waitFor(() =>
          expect(getPoolLayering).toHaveBeenCalledWith('ocp-418', 'gpu'),
        );
        // Let the answer for gpu arrive.
        await act(() => new Promise<void>(resolve => setTimeout(resolve, 0)));
        expect(textarea).toHaveValue(edited);
        expect(screen.queryByText(/Prefilled with/)).not.toBeInTheDocument();
      });

      it('puts the template default back for a pool without on-cluster layering', async () => {
        const textarea = await renderSwitchable(fromPools(), TEMPLATE_DEFAULT);

        fireEvent.click(screen.getByRole('button', { name: 'Choose master' }));
        await waitFor(() => expect(textarea).toHaveValue(TEMPLATE_DEFAULT));

        // The template default is no edit: the next pool fills it again.
        fireEvent.click(screen.getByRole('button', { name: 'Choose gpu' }));
        await waitFor(() => expect(textarea).toHaveValue(GPU_CONTENT));
        fireEvent.click(screen.getByRole('button', { name: 'Choose worker' }));
        await waitFor(() => expect(textarea).toHaveValue(TEMPLATE_DEFAULT));
      });

      it('empties the editor for such a pool when the template has no default', async () => {
        const textarea = await renderSwitchable(fromPools());
        fireEvent.click(screen.getByRole('button', { name: 'Choose master' }));
        await waitFor(() => expect(textarea).toHaveValue(''));
        expect(screen.queryByText(/Prefilled with/)).not.toBeInTheDocument();
      });

      it("drops the old pool's Containerfile when the new pool cannot be read", async () => {
        const getPoolLayering = jest.fn(
          async (_cluster: string, pool: string) => {
            if (pool === 'broken') throw new Error('backend down');
            return byPool[pool];
          },
        );
        const textarea = await renderSwitchable(
          getPoolLayering,
          TEMPLATE_DEFAULT,
        );
        fireEvent.click(screen.getByRole('button', { name: 'Choose broken' }));
        expect(
          await screen.findByText(
            /Could not read the pool's current Containerfile \(backend down\)/,
          ),
        ).toBeInTheDocument();
        await waitFor(() => expect(textarea).toHaveValue(TEMPLATE_DEFAULT));

        // The failure belongs to that pool only.
        fireEvent.click(screen.getByRole('button', { name: 'Choose infra' }));
        await waitFor(() => expect(textarea).toHaveValue(POOL_CONTENT));
        expect(screen.queryByText(/Could not read/)).not.toBeInTheDocument();
      });
    });
  });
});
