import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { openshiftAuthApiRef } from '@backstage/frontend-plugin-api';
import {
  SecretsContextProvider,
  useTemplateSecrets,
} from '@backstage/plugin-scaffolder-react';
import type { ClusterView } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef, type LayeringApi } from '../../api';
import { OpenShiftSignIn } from './OpenShiftSignIn';

/** Shows which secrets the task would get (names only: a test may print those). */
function SecretNames() {
  const { secrets } = useTemplateSecrets();
  return <output aria-label="secrets">{Object.keys(secrets).join(',')}</output>;
}

async function render(directApplyAs: ClusterView['directApplyAs'], getAccessToken: jest.Mock) {
  await renderInTestApp(
    <SecretsContextProvider>
      <OpenShiftSignIn cluster="sno-419" />
      <SecretNames />
    </SecretsContextProvider>,
    {
      apis: [
        [
          layeringApiRef,
          { getCluster: async () => ({ name: 'sno-419', directApplyAs }) } as unknown as LayeringApi,
        ],
        [openshiftAuthApiRef, { getAccessToken }],
      ],
    },
  );
}

describe('OpenShiftSignIn', () => {
  it('asks nothing when the portal writes with its own service credential', async () => {
    const getAccessToken = jest.fn();
    await render('service', getAccessToken);
    await screen.findByLabelText('secrets');
    expect(screen.queryByRole('button', { name: 'Sign in to OpenShift' })).toBeNull();
    expect(getAccessToken).not.toHaveBeenCalled();
  });

  it("gets the person's OpenShift token with user:full and gives it to the task as a secret only", async () => {
    const getAccessToken = jest.fn(async () => 'sha256~person-token');
    await render('person', getAccessToken);
    expect(
      await screen.findByText(/takes direct changes only from people: sign in to OpenShift/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in to OpenShift' }));
    expect(getAccessToken).toHaveBeenCalledWith('user:full', { instantPopup: true });
    expect(await screen.findByText(/Signed in to OpenShift/)).toBeInTheDocument();
    expect(screen.getByLabelText('secrets')).toHaveTextContent('openshiftToken');
    expect(document.body.textContent).not.toContain('person-token');
  });

  it('says why when the sign-in fails, and sets no secret', async () => {
    const getAccessToken = jest.fn(async () => {
      throw new Error('Login failed, rejected by user');
    });
    await render('person', getAccessToken);
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in to OpenShift' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'OpenShift sign-in failed: Login failed, rejected by user',
    );
    expect(screen.getByLabelText('secrets')).toHaveTextContent('');
  });
});
