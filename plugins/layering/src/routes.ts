import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/**
 * The fleet page. Created with `@backstage/core-plugin-api` so that the same
 * ref works in both frontend systems; the new-system plugin converts it.
 */
export const rootRouteRef = createRouteRef({ id: 'layering' });

/**
 * A template's form in the scaffolder, used by "Request a change". Bound by
 * default to the scaffolder's `selectedTemplate` route.
 */
export const scaffolderTemplateRouteRef = createExternalRouteRef({
  id: 'layering-scaffolder-template',
  params: ['namespace', 'templateName'],
  optional: true,
  defaultTarget: 'scaffolder.selectedTemplate',
});
