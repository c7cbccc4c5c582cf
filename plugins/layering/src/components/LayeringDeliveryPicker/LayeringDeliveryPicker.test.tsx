import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { LayeringDeliveryOptions } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  apiHolder,
  fieldProps,
  fieldValidation,
} from '../../__fixtures__/fieldProps';
import { NO_FORGE_SENTENCE } from '../../lib/delivery';
import { LayeringDeliveryPicker } from './LayeringDeliveryPicker';
import { layeringDeliveryPickerValidation } from './validation';
import type { LayeringDeliveryPickerOptions } from './rules';

/** The embedded default: the two default hosts, neither with credentials. */
const noCredentials: LayeringDeliveryOptions = {
  forges: [
    { kind: 'github', host: 'github.com', credentials: false },
    { kind: 'gitlab', host: 'gitlab.com', credentials: false },
  ],
  pullRequestAvailable: false,
};
const githubToken: LayeringDeliveryOptions = {
  forges: [
    { kind: 'github', host: 'github.com', credentials: true },
    { kind: 'gitlab', host: 'gitlab.com', credentials: false },
  ],
  pullRequestAvailable: true,
};

/** The template's `delivery` schema. */
const schema = {
  enum: ['pull-request', 'direct'],
  enumNames: [
    "Pull request to the cluster's GitOps repository",
    'Apply to the cluster now',
  ],
  description: 'How the change reaches the cluster.',
};

async function renderPicker(options: {
  getDeliveryOptions: LayeringApi['getDeliveryOptions'];
  value?: string;
  rawErrors?: string[];
}) {
  const onChange = jest.fn();
  await renderInTestApp(
    <LayeringDeliveryPicker
      {...fieldProps<string, LayeringDeliveryPickerOptions>({
        title: 'Delivery',
        schema,
        formData: options.value,
        onChange,
        rawErrors: options.rawErrors,
      })}
    />,
    {
      apis: [
        [
          layeringApiRef,
          {
            getDeliveryOptions: options.getDeliveryOptions,
          } as unknown as LayeringApi,
        ],
      ],
    },
  );
  await settled();
  return onChange;
}

/** Waits until the check of the delivery options has answered. */
async function settled() {
  await waitFor(() =>
    expect(
      screen.queryByText(/Checking whether the portal can open pull requests/),
    ).toBeNull(),
  );
}

describe('LayeringDeliveryPicker', () => {
  it('offers both deliveries when the portal has credentials for a forge', async () => {
    const onChange = await renderPicker({
      getDeliveryOptions: jest.fn(async () => githubToken),
      value: 'direct',
    });
    const pullRequest = await screen.findByRole('radio', {
      name: "Pull request to the cluster's GitOps repository",
    });
    expect(
      screen.getByRole('radiogroup', { name: /Delivery/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('How the change reaches the cluster.'),
    ).toBeInTheDocument();
    expect(pullRequest).toBeEnabled();
    expect(
      screen.getByRole('radio', { name: 'Apply to the cluster now' }),
    ).toBeChecked();
    expect(screen.queryByText(/No GitHub or GitLab integration/)).toBeNull();

    await userEvent.click(pullRequest);
    expect(onChange).toHaveBeenCalledWith('pull-request');
  });

  it('disables the pull request and says what to configure when no forge has credentials', async () => {
    const onChange = await renderPicker({
      getDeliveryOptions: jest.fn(async () => noCredentials),
      value: 'pull-request',
    });
    const note = await screen.findByText(
      `Pull request unavailable. ${NO_FORGE_SENTENCE}`,
    );
    const pullRequest = screen.getByRole('radio', {
      name: "Pull request to the cluster's GitOps repository",
    });
    expect(pullRequest).toBeDisabled();
    expect(pullRequest).toHaveAttribute(
      'aria-describedby',
      expect.stringContaining(note.id),
    );
    expect(note.id).not.toBe('');

    await userEvent.click(pullRequest);
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('radio', { name: 'Apply to the cluster now' }),
    );
    expect(onChange).toHaveBeenCalledWith('direct');
  });

  it('marks itself invalid on validation errors and leaves listing them to the form', async () => {
    await renderPicker({
      getDeliveryOptions: jest.fn(async () => noCredentials),
      value: 'pull-request',
      rawErrors: ['A pull request cannot be opened.'],
    });
    expect(await screen.findByRole('radiogroup')).toHaveAttribute(
      'data-invalid',
      'true',
    );
    // The scaffolder's field template lists rawErrors under the field; listing them here too
    // showed every error twice.
    expect(
      screen.queryByText('A pull request cannot be opened.'),
    ).not.toBeInTheDocument();
    // Invalid for assistive technology only: a native constraint would block the form's submit,
    // the one way its validator can clear the error once the user picks another option.
    for (const radio of screen.getAllByRole('radio')) {
      expect((radio as HTMLInputElement).validity.valid).toBe(true);
    }
  });

  it('stays usable and says it could not check when the backend fails', async () => {
    const onChange = await renderPicker({
      getDeliveryOptions: jest.fn(async () => {
        throw new Error('Request failed with 503 Service Unavailable');
      }),
    });
    expect(
      await screen.findByText(
        /Could not check whether the portal can open pull requests \(.*503.*\); both deliveries stay open\./,
      ),
    ).toBeInTheDocument();
    const pullRequest = screen.getByRole('radio', {
      name: "Pull request to the cluster's GitOps repository",
    });
    expect(pullRequest).toBeEnabled();
    await userEvent.click(pullRequest);
    expect(onChange).toHaveBeenCalledWith('pull-request');
  });

  it('uses its own labels when the template gives no enumNames', async () => {
    await renderInTestApp(
      <LayeringDeliveryPicker
        {...fieldProps<string, LayeringDeliveryPickerOptions>({
          onChange: jest.fn(),
        })}
      />,
      {
        apis: [
          [
            layeringApiRef,
            {
              getDeliveryOptions: jest.fn(async () => githubToken),
            } as unknown as LayeringApi,
          ],
        ],
      },
    );
    await settled();
    expect(
      await screen.findByRole('radio', {
        name: "Pull request to the cluster's GitOps repository",
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('radiogroup', { name: 'Delivery' }),
    ).toBeInTheDocument();
  });
});

describe('layeringDeliveryPickerValidation', () => {
  async function validate(
    value: string,
    getDeliveryOptions: LayeringApi['getDeliveryOptions'],
  ) {
    const { field, errors } = fieldValidation();
    await layeringDeliveryPickerValidation(value, field, {
      apiHolder: apiHolder({ getDeliveryOptions }),
      formData: {},
      schema: {},
    });
    return errors;
  }

  it('refuses a pull request the portal cannot open, saying what to configure', async () => {
    const errors = await validate(
      'pull-request',
      jest.fn(async () => noCredentials),
    );
    expect(errors).toEqual([
      `A pull request cannot be opened. ${NO_FORGE_SENTENCE} Until then, apply to the cluster now.`,
    ]);
  });

  it('accepts a pull request when a forge has credentials', async () => {
    expect(
      await validate(
        'pull-request',
        jest.fn(async () => githubToken),
      ),
    ).toEqual([]);
  });

  it('accepts a direct apply without asking the backend', async () => {
    const getDeliveryOptions = jest.fn(async () => noCredentials);
    expect(await validate('direct', getDeliveryOptions)).toEqual([]);
    expect(getDeliveryOptions).not.toHaveBeenCalled();
  });

  it('refuses a value that is no delivery', async () => {
    expect(
      await validate(
        'carrier-pigeon',
        jest.fn(async () => githubToken),
      ),
    ).toEqual(['Choose a pull request or a direct apply.']);
  });

  it('does not block when the backend cannot be asked', async () => {
    expect(
      await validate(
        'pull-request',
        jest.fn(async () => {
          throw new Error('connection refused');
        }),
      ),
    ).toEqual([]);
  });
});

describe('LayeringDeliveryPicker and direct apply', () => {
  // Renders are slow on a loaded machine; the tests wait on conditions, not on time.
  jest.setTimeout(30_000);

  async function renderFor(pool: string, canApply: boolean) {
    const asked: string[] = [];
    await renderInTestApp(
      <LayeringDeliveryPicker
        {...fieldProps<string, LayeringDeliveryPickerOptions>({
          title: 'Delivery',
          schema,
          onChange: jest.fn(),
          formContext: { formData: { target: { cluster: 'ocp-418', pool } } },
        })}
      />,
      {
        apis: [
          [layeringApiRef, { getDeliveryOptions: async () => githubToken } as unknown as LayeringApi],
          mockApis.permission({
            authorize: request => {
              if (request.permission.name === 'layering.cluster.apply') {
                asked.push(request.resourceRef ?? '');
              }
              return canApply ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
            },
          }),
        ],
      },
    );
    return asked;
  }

  it('disables direct apply for a pool the user may not apply to, and says why', async () => {
    const asked = await renderFor('infra-a', false);
    expect(
      await screen.findByText(
        'You may not apply changes to pool infra-a of cluster ocp-418 directly; ask for them by pull request.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Apply to the cluster now' })).toBeDisabled();
    expect(asked).toContain('resource:default/ocp-418-infra-a');
  });

  it('offers direct apply for a pool the user may apply to', async () => {
    const asked = await renderFor('infra-b', true);
    await waitFor(() => expect(asked).toContain('resource:default/ocp-418-infra-b'));
    await waitFor(() =>
      expect(screen.getByRole('radio', { name: 'Apply to the cluster now' })).toBeEnabled(),
    );
    expect(screen.queryByText(/You may not apply changes/)).not.toBeInTheDocument();
  });
});
