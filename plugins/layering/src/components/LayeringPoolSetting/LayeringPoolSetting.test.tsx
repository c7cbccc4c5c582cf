import { useState } from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import type { PoolLayeringSettings } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  apiHolder,
  fieldProps,
  fieldValidation,
} from '../../__fixtures__/fieldProps';
import { clusterWith, inSyncPool, okCluster } from '../../__fixtures__/pools';
import { LayeringPoolSetting } from './LayeringPoolSetting';
import { layeringPoolSettingValidation } from './validation';
import {
  poolSettingValue,
  settingIssues,
  type LayeringPoolSettingName,
  type LayeringPoolSettingOptions,
} from './rules';

const DIGEST = `sha256:${'b'.repeat(64)}`;

function onCluster(
  name: string,
  patch: Partial<Extract<PoolLayeringSettings, { mode: 'on-cluster' }>> = {},
): PoolLayeringSettings {
  return {
    mode: 'on-cluster',
    name,
    apiVersion: 'machineconfiguration.openshift.io/v1',
    containerfiles: [{ arch: 'NoArch', content: 'FROM configs AS final\n' }],
    renderedImagePushSpec: `registry.example.com/platform-os/${name}:latest`,
    renderedImagePushSecret: `${name}-push`,
    baseImagePullSecret: null,
    currentImage: null,
    ...patch,
  };
}
const outOfCluster: PoolLayeringSettings = {
  mode: 'out-of-cluster',
  name: 'os-layer-custom',
  osImageURL: `registry.example.com/platform-os/worker-custom@${DIGEST}`,
};

const SETTINGS: Record<string, PoolLayeringSettings> = {
  infra: onCluster('infra'),
  gpu: onCluster('gpu', { baseImagePullSecret: 'gpu-base-pull' }),
  worker: outOfCluster,
  master: { mode: 'none' },
};

function apiWith(getPoolLayering: jest.Mock): LayeringApi {
  return {
    getPoolLayering,
    getCluster: jest.fn(async () => clusterWith(inSyncPool)),
  } as unknown as LayeringApi;
}

const byPool = () =>
  jest.fn(async (_cluster: string, pool: string) => SETTINGS[pool]);

/** The field inside a form whose pool can be switched, as the picker would. */
function Form(props: {
  options: LayeringPoolSettingOptions;
  pool: string;
  initial?: string;
  templateDefault?: string;
  /** Changes the form drops, as RJSF drops one of two sibling changes made in the same tick. */
  dropChanges?: number;
}) {
  const [value, setStoredValue] = useState<string | undefined>(props.initial);
  const [dropped] = useState({ n: 0 });
  const setValue = (next: string | undefined) => {
    if (dropped.n < (props.dropChanges ?? 0)) {
      dropped.n += 1;
      return;
    }
    setStoredValue(next);
  };
  const [pool, setPool] = useState(props.pool);
  const base = fieldProps<string, LayeringPoolSettingOptions>({
    title: 'Push secret',
    uiOptions: props.options,
    formData: value,
    onChange: setValue,
    formContext: { formData: { target: { cluster: 'ocp-418', pool } } },
  });
  return (
    <>
      <LayeringPoolSetting
        {...base}
        schema={{ ...base.schema, default: props.templateDefault }}
      />
      {['infra', 'gpu', 'worker', 'master'].map(name => (
        <button key={name} type="button" onClick={() => setPool(name)}>
          {`Choose ${name}`}
        </button>
      ))}
    </>
  );
}

async function renderForm(
  getPoolLayering: jest.Mock,
  props: Parameters<typeof Form>[0],
) {
  await renderInTestApp(<Form {...props} />, {
    apis: [[layeringApiRef, apiWith(getPoolLayering)]],
  });
  return screen.findByRole('textbox');
}

describe('poolSettingValue', () => {
  it('reads the MachineOSConfig settings of an on-cluster pool only', () => {
    expect(poolSettingValue(SETTINGS.gpu, 'baseImagePullSecret')).toEqual({
      value: 'gpu-base-pull',
      holder: 'MachineOSConfig',
      name: 'gpu',
    });
    expect(poolSettingValue(SETTINGS.infra, 'baseImagePullSecret')).toEqual({
      value: null,
      holder: 'MachineOSConfig',
      name: 'infra',
    });
    expect(
      poolSettingValue(SETTINGS.worker, 'renderedImagePushSpec'),
    ).toBeUndefined();
    expect(
      poolSettingValue(SETTINGS.master, 'renderedImagePushSecret'),
    ).toBeUndefined();
  });

  it('reads osImageURL from the MachineConfig of an out-of-cluster pool only', () => {
    expect(poolSettingValue(SETTINGS.worker, 'osImageURL')).toEqual({
      value: outOfCluster.mode === 'out-of-cluster' && outOfCluster.osImageURL,
      holder: 'MachineConfig',
      name: 'os-layer-custom',
    });
    expect(poolSettingValue(SETTINGS.infra, 'osImageURL')).toBeUndefined();
  });
});

describe('settingIssues', () => {
  it('applies the rules of each setting to non-empty values only', () => {
    expect(settingIssues(undefined, 'renderedImagePushSpec')).toEqual([]);
    expect(
      settingIssues(
        `registry.example.com/os/infra@${DIGEST}`,
        'renderedImagePushSpec',
      ).map(i => i.severity),
    ).toEqual(['error']);
    // A registry port is fine on v1, not on v1alpha1 outside the cluster.
    const withPort = 'registry.example.com:5000/os/infra:latest';
    expect(settingIssues(withPort, 'renderedImagePushSpec', 'v1')).toEqual([]);
    expect(
      settingIssues(withPort, 'renderedImagePushSpec', 'v1alpha1'),
    ).toHaveLength(1);
    expect(settingIssues('Infra_Push', 'renderedImagePushSecret')).toEqual([
      expect.objectContaining({ severity: 'error' }),
    ]);
    expect(settingIssues('infra-push', 'baseImagePullSecret')).toEqual([]);
    expect(
      settingIssues('registry.example.com/os/worker:latest', 'osImageURL'),
    ).toEqual([expect.objectContaining({ severity: 'error' })]);
  });
});

describe('layeringPoolSettingValidation', () => {
  const context = (
    setting: LayeringPoolSettingName,
    getCluster = jest.fn(),
  ) => ({
    apiHolder: apiHolder({ getCluster }),
    formData: { target: { cluster: 'ocp-417', pool: 'infra' } },
    schema: {},
    uiSchema: { 'ui:options': { setting } },
  });

  it("checks a push spec against the cluster's MachineOSConfig version", async () => {
    const getCluster = jest.fn(async () => ({
      ...okCluster,
      machineOSConfigApiVersion: 'v1alpha1' as const,
    }));
    const { field, errors } = fieldValidation();
    await layeringPoolSettingValidation(
      'registry.example.com:5000/os/infra:latest',
      field,
      context('renderedImagePushSpec', getCluster),
    );
    expect(getCluster).toHaveBeenCalledWith('ocp-417');
    expect(errors).toEqual([expect.stringMatching(/On v1alpha1/)]);
  });

  it('leaves empty values to the schema and still checks when the cluster cannot be read', async () => {
    const getCluster = jest.fn(async () => {
      throw new Error('backend down');
    });
    const empty = fieldValidation();
    await layeringPoolSettingValidation(
      undefined as unknown as string,
      empty.field,
      context('renderedImagePushSecret', getCluster),
    );
    expect(empty.errors).toEqual([]);
    const bad = fieldValidation();
    await layeringPoolSettingValidation(
      `registry.example.com/os/infra@${DIGEST}`,
      bad.field,
      context('renderedImagePushSpec', getCluster),
    );
    expect(bad.errors).toEqual([expect.stringMatching(/not a digest/)]);
  });
});

describe('LayeringPoolSetting', () => {
  it("fills in the pool's push secret name and says where it comes from", async () => {
    const getPoolLayering = byPool();
    const input = await renderForm(getPoolLayering, {
      options: { setting: 'renderedImagePushSecret' },
      pool: 'infra',
    });
    await waitFor(() => expect(input).toHaveValue('infra-push'));
    expect(getPoolLayering).toHaveBeenCalledWith('ocp-418', 'infra');
    expect(
      screen.getByText("From the pool's MachineOSConfig infra"),
    ).toBeInTheDocument();

    // An untouched prefill follows the pool.
    fireEvent.click(screen.getByRole('button', { name: 'Choose gpu' }));
    await waitFor(() => expect(input).toHaveValue('gpu-push'));
    expect(
      screen.getByText("From the pool's MachineOSConfig gpu"),
    ).toBeInTheDocument();
  });

  it("fills in the pool's push spec, checked against the served version", async () => {
    const input = await renderForm(byPool(), {
      options: { setting: 'renderedImagePushSpec' },
      pool: 'infra',
    });
    await waitFor(() =>
      expect(input).toHaveValue(
        'registry.example.com/platform-os/infra:latest',
      ),
    );
    expect(screen.queryByText(/Warning:/)).not.toBeInTheDocument();
  });

  it('fills in osImageURL from the MachineConfig of an out-of-cluster pool', async () => {
    const input = await renderForm(byPool(), {
      options: { setting: 'osImageURL', poolField: 'target' },
      pool: 'worker',
    });
    await waitFor(() =>
      expect(input).toHaveValue(
        `registry.example.com/platform-os/worker-custom@${DIGEST}`,
      ),
    );
    expect(
      screen.getByText("From the pool's MachineConfig os-layer-custom"),
    ).toBeInTheDocument();
  });

  it('keeps what the user typed when the pool is fetched again', async () => {
    const getPoolLayering = byPool();
    const input = await renderForm(getPoolLayering, {
      options: { setting: 'renderedImagePushSecret' },
      pool: 'infra',
    });
    await waitFor(() => expect(input).toHaveValue('infra-push'));
    fireEvent.change(input, { target: { value: 'platform-push' } });
    expect(input).toHaveValue('platform-push');

    fireEvent.click(screen.getByRole('button', { name: 'Choose gpu' }));
    await waitFor(() =>
      expect(getPoolLayering).toHaveBeenCalledWith('ocp-418', 'gpu'),
    );
    expect(
      await screen.findByText("The pool's MachineOSConfig gpu has gpu-push."),
    ).toBeInTheDocument();
    expect(input).toHaveValue('platform-push');
    expect(screen.queryByText(/^From the pool's/)).not.toBeInTheDocument();

    // Taking the pool's value back is one click.
    fireEvent.click(
      screen.getByRole('button', { name: "Use the pool's value" }),
    );
    await waitFor(() => expect(input).toHaveValue('gpu-push'));
  });

  it('keeps what the user typed while the pool was loading', async () => {
    let resolve: (value: PoolLayeringSettings) => void = () => {};
    const getPoolLayering = jest.fn(
      () =>
        new Promise<PoolLayeringSettings>(r => {
          resolve = r;
        }),
    );
    const input = await renderForm(getPoolLayering, {
      options: { setting: 'renderedImagePushSecret' },
      pool: 'infra',
    });
    await waitFor(() => expect(getPoolLayering).toHaveBeenCalled());
    fireEvent.change(input, { target: { value: 'platform-push' } });
    await act(async () => {
      resolve(SETTINGS.infra);
    });
    expect(input).toHaveValue('platform-push');
  });

  it('fills in again when the form dropped its change, while the field is untouched', async () => {
    const getPoolLayering = byPool();
    const input = await renderForm(getPoolLayering, {
      options: { setting: 'renderedImagePushSecret' },
      pool: 'infra',
      dropChanges: 1,
    });
    await waitFor(() => expect(input).toHaveValue('infra-push'));
    // Once shown, clearing it is the user's choice: it stays empty.
    fireEvent.change(input, { target: { value: '' } });
    await act(async () => {});
    expect(input).toHaveValue('');
  });

  it('replaces the template default', async () => {
    const input = await renderForm(byPool(), {
      options: { setting: 'renderedImagePushSecret' },
      pool: 'infra',
      initial: 'default-push',
      templateDefault: 'default-push',
    });
    await waitFor(() => expect(input).toHaveValue('infra-push'));
  });

  it('leaves the field empty for a pool without on-cluster layering', async () => {
    const getPoolLayering = byPool();
    const input = await renderForm(getPoolLayering, {
      options: { setting: 'renderedImagePushSecret' },
      pool: 'master',
    });
    expect(
      await screen.findByText(
        'Pool master has no MachineOSConfig to start from: enter the value.',
      ),
    ).toBeInTheDocument();
    expect(input).toHaveValue('');
    expect(getPoolLayering).toHaveBeenCalledWith('ocp-418', 'master');

    // An untouched prefill of another pool goes when the pool has none.
    fireEvent.click(screen.getByRole('button', { name: 'Choose infra' }));
    await waitFor(() => expect(input).toHaveValue('infra-push'));
    fireEvent.click(screen.getByRole('button', { name: 'Choose worker' }));
    await waitFor(() => expect(input).toHaveValue(''));
    expect(
      screen.getByText(
        'Pool worker has no MachineOSConfig to start from: enter the value.',
      ),
    ).toBeInTheDocument();
  });

  it("says when the pool's MachineOSConfig names no base image pull secret", async () => {
    const input = await renderForm(byPool(), {
      options: { setting: 'baseImagePullSecret' },
      pool: 'infra',
    });
    expect(
      await screen.findByText(
        "The pool's MachineOSConfig infra names none: the MCO pulls the base image with its copy of the global pull secret.",
      ),
    ).toBeInTheDocument();
    expect(input).toHaveValue('');
  });

  it("shows the backend's error and stays usable", async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'ServiceUnavailableError',
          message: 'Cannot read MachineOSConfig "infra" of cluster "ocp-418"',
        },
        request: {
          method: 'GET',
          url: '/api/layering/clusters/ocp-418/pools/infra/layering',
        },
        response: { statusCode: 503 },
      }),
      { status: 503, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const getPoolLayering = jest.fn(async () => {
      throw error;
    });
    const input = await renderForm(getPoolLayering, {
      options: { setting: 'renderedImagePushSecret' },
      pool: 'infra',
    });
    expect(
      await screen.findByText(
        'Could not read the current settings of pool infra (Cannot read MachineOSConfig "infra" of cluster "ocp-418"); enter the value.',
      ),
    ).toBeInTheDocument();
    expect(input).not.toBeDisabled();
    fireEvent.change(input, { target: { value: 'infra-push' } });
    expect(input).toHaveValue('infra-push');
  });

  it('shows the errors of a bad value, and leaves the form’s own errors to the form', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <LayeringPoolSetting
        {...fieldProps<string, LayeringPoolSettingOptions>({
          title: 'Push spec',
          formData: `registry.example.com/os/infra@${DIGEST}`,
          onChange,
          uiOptions: { setting: 'renderedImagePushSpec' },
          rawErrors: ['must match pattern "^[a-z0-9]"'],
        })}
      />,
      { apis: [[layeringApiRef, apiWith(byPool())]] },
    );
    expect(
      await screen.findByText(/must be a tag reference/),
    ).toBeInTheDocument();
    // The scaffolder's field template lists rawErrors under the field.
    expect(
      screen.queryByText('must match pattern "^[a-z0-9]"'),
    ).not.toBeInTheDocument();
    // Invalid for assistive technology only: a native constraint would block the form's submit.
    expect(
      (screen.getByRole('textbox') as HTMLInputElement).validity.valid,
    ).toBe(true);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('names the valid settings when the template gives none', async () => {
    const getPoolLayering = byPool();
    await renderInTestApp(
      <LayeringPoolSetting
        {...fieldProps<string, LayeringPoolSettingOptions>({
          title: 'Push spec',
          onChange: jest.fn(),
          uiOptions: { setting: 'pushSpec' as never },
          formContext: {
            formData: { target: { cluster: 'ocp-418', pool: 'infra' } },
          },
        })}
      />,
      { apis: [[layeringApiRef, apiWith(getPoolLayering)]] },
    );
    expect(
      await screen.findByText(
        'ui:options.setting of Push spec must be one of renderedImagePushSpec, renderedImagePushSecret, baseImagePullSecret, osImageURL, layeringMode, machineConfigName.',
      ),
    ).toBeInTheDocument();
    expect(getPoolLayering).not.toHaveBeenCalled();
  });
});

describe('LayeringPoolSetting: how the pool is layered (the revert form)', () => {
  /** The form with the field's current value shown, so tests see what the template gets. */
  function ModeForm(props: { pool: string; api: LayeringApi }) {
    const [value, setValue] = useState<string | undefined>();
    const base = fieldProps<string, LayeringPoolSettingOptions>({
      title: 'How the pool is layered',
      uiOptions: { setting: 'layeringMode' },
      formData: value,
      onChange: setValue,
      formContext: {
        formData: { target: { cluster: 'ocp-418', pool: props.pool } },
      },
    });
    return (
      <>
        <LayeringPoolSetting {...base} />
        <output aria-label="value">{value ?? ''}</output>
      </>
    );
  }

  it('detects an on-cluster pool and shows it instead of asking', async () => {
    await renderInTestApp(<ModeForm pool="infra" api={apiWith(byPool())} />, {
      apis: [[layeringApiRef, apiWith(byPool())]],
    });
    expect(
      await screen.findByText(
        'Detected: pool infra is layered on the cluster, by MachineOSConfig infra.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('value')).toHaveTextContent('on-cluster');
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });

  it('detects an out-of-cluster pool and names its MachineConfig', async () => {
    await renderInTestApp(<ModeForm pool="worker" api={apiWith(byPool())} />, {
      apis: [[layeringApiRef, apiWith(byPool())]],
    });
    expect(
      await screen.findByText(
        'Detected: pool worker is layered out of the cluster, by MachineConfig os-layer-custom, which sets its osImageURL.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('value')).toHaveTextContent('out-of-cluster');
  });

  it('asks only when the pool cannot be read', async () => {
    const failing = jest.fn(async () => {
      throw new Error('backend down');
    });
    await renderInTestApp(<ModeForm pool="infra" api={apiWith(failing)} />, {
      apis: [[layeringApiRef, apiWith(failing)]],
    });
    expect(
      await screen.findByText(
        /Could not read the current settings of pool infra \(backend down\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox')).toBeInTheDocument();
  });

  it('gives the MachineConfig name of an out-of-cluster pool, and checks typed modes', () => {
    expect(poolSettingValue(outOfCluster, 'machineConfigName')).toEqual({
      value: 'os-layer-custom',
      holder: 'MachineConfig',
      name: 'os-layer-custom',
    });
    expect(
      poolSettingValue(SETTINGS.infra, 'machineConfigName'),
    ).toBeUndefined();
    expect(poolSettingValue(SETTINGS.master, 'layeringMode')).toBeUndefined();
    expect(settingIssues('on-cluster', 'layeringMode')).toEqual([]);
    expect(settingIssues('sideways', 'layeringMode')).toEqual([
      expect.objectContaining({ severity: 'error', field: 'layeringMode' }),
    ]);
  });
});
