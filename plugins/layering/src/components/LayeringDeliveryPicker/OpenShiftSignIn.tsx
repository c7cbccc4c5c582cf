import { useState } from 'react';
import { openshiftAuthApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useTemplateSecrets } from '@backstage/plugin-scaffolder-react';
import { Button, Flex, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import { errorMessage } from '../../lib/delivery';

/** The task secret the actions write with when the cluster's writer is the person (`authProvider: oidc`). */
export const OPENSHIFT_TOKEN_SECRET = 'openshiftToken';

/**
 * The OAuth scope the token is asked with: writing MachineConfigs needs the person's full RBAC,
 * which OpenShift grants only to `user:full` tokens.
 */
const SCOPE = 'user:full';

/**
 * Shown under the delivery choice when a direct apply to the chosen cluster writes as the person
 * (the writer is `authProvider: oidc`): asks for the person's OpenShift token through the
 * `openshift` auth provider and hands it to the task as the secret `openshiftToken`, so the
 * cluster's RBAC decides and its audit log shows who made the change. The token never enters
 * the form data, only the task's secrets.
 */
export function OpenShiftSignIn(props: { cluster: string }) {
  const { cluster } = props;
  const layering = useApi(layeringApiRef);
  const openshift = useApi(openshiftAuthApiRef);
  const { secrets, setSecrets } = useTemplateSecrets();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const view = useAsync(() => layering.getCluster(cluster), [layering, cluster]);
  if (view.value?.directApplyAs !== 'person') return null;
  const signedIn = !!secrets[OPENSHIFT_TOKEN_SECRET];

  const signIn = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const token = await openshift.getAccessToken(SCOPE, { instantPopup: true });
      if (!token) throw new Error('OpenShift gave no token');
      setSecrets({ [OPENSHIFT_TOKEN_SECRET]: token });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex direction="column" gap="1">
      <Text as="p" variant="body-small" color={signedIn ? 'secondary' : 'warning'}>
        {signedIn
          ? `Signed in to OpenShift: the change to cluster ${cluster} is written with your own account, and its audit log names you.`
          : `Cluster ${cluster} takes direct changes only from people: sign in to OpenShift so the change is written with your own account and permissions.`}
      </Text>
      {!signedIn && (
        <div>
          <Button variant="secondary" onPress={signIn} isDisabled={busy}>
            {busy ? 'Signing in…' : 'Sign in to OpenShift'}
          </Button>
        </div>
      )}
      {error && (
        <Text as="p" variant="body-small" color="danger" role="alert">
          {`OpenShift sign-in failed: ${error}`}
        </Text>
      )}
    </Flex>
  );
}
