import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { LayeringDeliveryOptions } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import {
  apiHolder,
  fieldProps,
  fieldValidation,
} from '../../__fixtures__/fieldProps';
import { LayeringForgePicker } from './LayeringForgePicker';
import { layeringForgePickerValidation } from './validation';
import type { LayeringForgePickerOptions } from './rules';

const noCredentials: LayeringDeliveryOptions = {
  forges: [
    { kind: 'github', host: 'github.com', credentials: false },
    { kind: 'gitlab', host: 'gitlab.com', credentials: false },
  ],
  pullRequestAvailable: false,
};
/** A GitHub token for github.com and a GitLab token for a self-hosted GitLab only. */
const mixed: LayeringDeliveryOptions = {
  forges: [
    { kind: 'github', host: 'github.com', credentials: true },
    { kind: 'gitlab', host: 'gitlab.example.com', credentials: true },
    { kind: 'gitlab', host: 'gitlab.com', credentials: false },
  ],
  pullRequestAvailable: true,
};

const schema = {
  enum: ['github', 'gitlab'],
  enumNames: ['GitHub pull request', 'GitLab merge request'],
};

async function renderPicker(options: {
  getDeliveryOptions: LayeringApi['getDeliveryOptions'];
  value?: string;
  form?: Record<string, unknown>;
  uiOptions?: LayeringForgePickerOptions;
  rawErrors?: string[];
}) {
  const onChange = jest.fn();
  await renderInTestApp(
    <LayeringForgePicker
      {...fieldProps<string, LayeringForgePickerOptions>({
        title: 'Forge',
        schema,
        formData: options.value,
        onChange,
        uiOptions: options.uiOptions,
        formContext: { formData: options.form ?? {} },
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
  await waitFor(() =>
    expect(screen.queryByText(/Checking which forges/)).toBeNull(),
  );
  return onChange;
}

describe('LayeringForgePicker', () => {
  it('says for each forge whether the portal has credentials', async () => {
    const onChange = await renderPicker({
      getDeliveryOptions: jest.fn(async () => mixed),
      value: 'github',
    });
    const github = screen.getByRole('radio', {
      name: 'GitHub pull request (the portal has credentials for github.com)',
    });
    const gitlab = screen.getByRole('radio', {
      name: 'GitLab merge request (the portal has credentials for gitlab.example.com)',
    });
    expect(github).toBeChecked();
    expect(github).toBeEnabled();
    expect(screen.queryByText(/give your own token/)).toBeNull();

    await userEvent.click(gitlab);
    expect(onChange).toHaveBeenCalledWith('gitlab');
  });

  it('keeps both forges open and says what to configure when the portal has no credentials', async () => {
    const onChange = await renderPicker({
      getDeliveryOptions: jest.fn(async () => noCredentials),
      value: 'github',
    });
    const note = screen.getByText(
      'The portal has no GitHub credentials: give your own token below, or add a token or a GitHub App to integrations.github in app-config.yaml.',
    );
    expect(screen.getByRole('radiogroup', { name: /Forge/ })).toHaveAttribute(
      'aria-describedby',
      expect.stringContaining(note.id),
    );
    const gitlab = screen.getByRole('radio', {
      name: 'GitLab merge request (no credentials in the portal)',
    });
    expect(gitlab).toBeEnabled();
    await userEvent.click(gitlab);
    expect(onChange).toHaveBeenCalledWith('gitlab');
  });

  it('says the personal token will be used once it is given', async () => {
    await renderPicker({
      getDeliveryOptions: jest.fn(async () => noCredentials),
      value: 'gitlab',
      form: { myToken: '*****' },
      uiOptions: { tokenField: 'myToken' },
    });
    expect(
      screen.getByText(
        'The portal has no GitLab credentials: the merge request will be opened with the token you gave.',
      ),
    ).toBeInTheDocument();
  });

  it("judges the chosen repository's host, not the forge as a whole", async () => {
    await renderPicker({
      getDeliveryOptions: jest.fn(async () => mixed),
      value: 'gitlab',
      form: { repoUrl: 'gitlab.com?owner=acme&repo=fleet' },
    });
    expect(
      screen.getByText(
        'The portal has no GitLab credentials for gitlab.com: give your own token below, or add a token to integrations.gitlab in app-config.yaml.',
      ),
    ).toBeInTheDocument();
  });

  it('marks itself invalid on validation errors and leaves listing them to the form', async () => {
    await renderPicker({
      getDeliveryOptions: jest.fn(async () => noCredentials),
      value: 'github',
      rawErrors: ['The portal has no GitHub credentials.'],
    });
    expect(screen.getByRole('radiogroup')).toHaveAttribute(
      'data-invalid',
      'true',
    );
    // The scaffolder's field template lists rawErrors under the field.
    expect(
      screen.queryByText('The portal has no GitHub credentials.'),
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
        throw new Error('connection refused');
      }),
      value: 'github',
    });
    expect(
      screen.getByText(
        'Could not check which forges the portal has credentials for (connection refused); without a token of your own below, the request may fail.',
      ),
    ).toBeInTheDocument();
    const gitlab = screen.getByRole('radio', { name: 'GitLab merge request' });
    expect(gitlab).toBeEnabled();
    await userEvent.click(gitlab);
    expect(onChange).toHaveBeenCalledWith('gitlab');
  });
});

describe('layeringForgePickerValidation', () => {
  async function validate(
    value: string,
    options: {
      getDeliveryOptions: LayeringApi['getDeliveryOptions'];
      formData?: Record<string, string>;
      uiOptions?: LayeringForgePickerOptions;
    },
  ) {
    const { field, errors } = fieldValidation();
    await layeringForgePickerValidation(value, field, {
      apiHolder: apiHolder({ getDeliveryOptions: options.getDeliveryOptions }),
      formData: options.formData ?? {},
      schema: {},
      uiSchema: { 'ui:options': { ...options.uiOptions } },
    });
    return errors;
  }

  it('refuses a forge without portal credentials when no personal token was given', async () => {
    expect(
      await validate('github', {
        getDeliveryOptions: jest.fn(async () => noCredentials),
        formData: { forgeToken: '' },
      }),
    ).toEqual([
      'The portal has no GitHub credentials: give your own token below, or add a token or a GitHub App to integrations.github in app-config.yaml.',
    ]);
  });

  it('accepts it once the Secret field holds a token (its mask in the form data)', async () => {
    expect(
      await validate('github', {
        getDeliveryOptions: jest.fn(async () => noCredentials),
        formData: { forgeToken: '********' },
      }),
    ).toEqual([]);
    expect(
      await validate('gitlab', {
        getDeliveryOptions: jest.fn(async () => noCredentials),
        formData: { personal: '***' },
        uiOptions: { tokenField: 'personal' },
      }),
    ).toEqual([]);
  });

  it('accepts a forge the portal has credentials for', async () => {
    expect(
      await validate('github', {
        getDeliveryOptions: jest.fn(async () => mixed),
      }),
    ).toEqual([]);
  });

  it("checks the repository's host when the form has one", async () => {
    const getDeliveryOptions = jest.fn(async () => mixed);
    expect(
      await validate('gitlab', {
        getDeliveryOptions,
        formData: { repoUrl: 'gitlab.example.com?owner=ops&repo=fleet' },
      }),
    ).toEqual([]);
    expect(
      await validate('gitlab', {
        getDeliveryOptions,
        formData: { repoUrl: 'gitlab.com?owner=ops&repo=fleet' },
      }),
    ).toEqual([
      'The portal has no GitLab credentials for gitlab.com: give your own token below, or add a token to integrations.gitlab in app-config.yaml.',
    ]);
    expect(
      await validate('github', {
        getDeliveryOptions,
        formData: { gitops: 'gitlab.example.com?owner=ops&repo=fleet' },
        uiOptions: { repoUrlField: 'gitops' },
      }),
    ).toEqual([
      'gitlab.example.com is a GitLab host in this portal: choose GitLab merge request, or a GitHub repository.',
    ]);
  });

  it('refuses a host the portal has no integration for, token or not', async () => {
    expect(
      await validate('github', {
        getDeliveryOptions: jest.fn(async () => mixed),
        formData: {
          repoUrl: 'ghe.example.com?owner=ops&repo=fleet',
          forgeToken: '****',
        },
      }),
    ).toEqual([
      'The portal has no GitHub integration for ghe.example.com: add one with a token or a GitHub App to integrations.github in app-config.yaml.',
    ]);
  });

  it('refuses a value that is no forge', async () => {
    expect(
      await validate('bitbucket', {
        getDeliveryOptions: jest.fn(async () => mixed),
      }),
    ).toEqual(['Choose GitHub or GitLab.']);
  });

  it('does not block when the backend cannot be asked', async () => {
    expect(
      await validate('github', {
        getDeliveryOptions: jest.fn(async () => {
          throw new Error('connection refused');
        }),
      }),
    ).toEqual([]);
  });
});
