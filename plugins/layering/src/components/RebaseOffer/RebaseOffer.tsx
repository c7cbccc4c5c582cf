import { useApi } from '@backstage/frontend-plugin-api';
import { useRouteRef } from '@backstage/core-plugin-api';
import { rebaseDue, type PoolView } from '@rhcos-layering/plugin-layering-common';
import { ButtonLink, Flex, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { layeringApiRef } from '../../api';
import { usePoolPermissions } from '../../hooks/usePoolPermissions';
import { scaffolderTemplateRouteRef } from '../../routes';
import { DEFAULT_FORM_DATA_KEY, prefillQuery } from '../RequestChangeMenu';

/** The template the offer opens. */
export const REBASE_TEMPLATE = { namespace: 'default', name: 'layering-rebase-image' };

/** Props of {@link RebaseOffer}. */
export interface RebaseOfferProps {
  cluster: string;
  pool: PoolView;
  /** Template parameter prefilled with `{ cluster, pool }` (default `target`). */
  formDataKey?: string;
}

/**
 * After the cluster completed an update, a pool pinned by an out-of-cluster image offers a
 * rebase request: the rebase template with the pool chosen. Shown only to those who may ask
 * for a change to the pool, and only when the cluster's release history says one is due.
 */
export function RebaseOffer(props: RebaseOfferProps) {
  const { cluster, pool, formDataKey = DEFAULT_FORM_DATA_KEY } = props;
  const api = useApi(layeringApiRef);
  const templateLink = useRouteRef(scaffolderTemplateRouteRef);
  const allowed = usePoolPermissions(cluster, pool.name);
  const pinned = pool.layering.mode === 'out-of-cluster';

  const { value: due } = useAsync(async () => {
    if (!pinned) return null;
    try {
      return rebaseDue(pool, (await api.getRelease(cluster)).history);
    } catch {
      // The offer is a hint: without the release history the card shows the drift alone.
      return null;
    }
  }, [api, cluster, pinned, pool]);

  if (!due || !templateLink || !(allowed.canRequest || allowed.canApply)) {
    return null;
  }
  const href = `${templateLink({
    namespace: REBASE_TEMPLATE.namespace,
    templateName: REBASE_TEMPLATE.name,
  })}${prefillQuery(formDataKey, cluster, pool.name)}`;
  return (
    <Flex direction="column" gap="1" aria-label="Rebase">
      <Text as="p" variant="body-small">
        {due.reason}
      </Text>
      <div>
        <ButtonLink href={href} variant="secondary" size="small">
          {`Request a rebase onto ${due.release}`}
        </ButtonLink>
      </div>
    </Flex>
  );
}
