import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { scaffolderTemplateRouteRef } from '../routes';

/** Routes the components link to, mounted where a default app mounts them. */
export const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': convertLegacyRouteRef(entityRouteRef),
  '/create/templates/:namespace/:templateName': convertLegacyRouteRef(
    scaffolderTemplateRouteRef,
  ),
};
