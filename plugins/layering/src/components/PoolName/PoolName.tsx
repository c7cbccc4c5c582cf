import type { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Text } from '@backstage/ui';

/** Props of {@link PoolName}. */
export interface PoolNameProps {
  name: string;
  /** The pool's catalog entity, when the catalog has one. */
  entityRef?: CompoundEntityRef;
}

/** A pool's name, linking to its entity page when the catalog knows it. */
export function PoolName(props: PoolNameProps) {
  const { name, entityRef } = props;
  if (!entityRef) {
    return (
      <Text as="span" variant="body-medium">
        {name}
      </Text>
    );
  }
  return (
    <EntityRefLink entityRef={entityRef} hideIcon disableTooltip>
      {name}
    </EntityRefLink>
  );
}
