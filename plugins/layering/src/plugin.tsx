import {
  ApiBlueprint,
  PageBlueprint,
  coreApis,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import LayersIcon from '@material-ui/icons/Layers';
import { z } from 'zod/v4';
import { LayeringClient, layeringApiRef } from './api';
import { isLayeringAvailable, isLayeringClusterAvailable } from './filters';
import { rootRouteRef, scaffolderTemplateRouteRef } from './routes';
import {
  DEFAULT_FORM_DATA_KEY,
  DEFAULT_TEMPLATE_TAG,
} from './components/RequestChangeMenu/constants';

/**
 * The {@link LayeringApi} client, built on the discovery and fetch APIs.
 *
 * @public
 */
export const layeringApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: layeringApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new LayeringClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The pool card (`entity-card:layering/pool`), shown on MachineConfigPool
 * entities only. Config: `templateTag` (templates offered by "Request a
 * change", default `layering`) and `formDataKey` (the template parameter
 * prefilled with `{ cluster, pool }`, default `target`).
 *
 * @public
 */
export const layeringPoolEntityCard = EntityCardBlueprint.makeWithOverrides({
  name: 'pool',
  configSchema: {
    templateTag: z.string().default(DEFAULT_TEMPLATE_TAG),
    formDataKey: z.string().default(DEFAULT_FORM_DATA_KEY),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      type: 'content',
      filter: isLayeringAvailable,
      loader: () =>
        import('./components/LayeringPoolCard').then(m => (
          <m.LayeringPoolCard
            templateTag={config.templateTag}
            formDataKey={config.formDataKey}
          />
        )),
    });
  },
});

/**
 * The cluster card (`entity-card:layering/cluster`), shown on cluster
 * entities that name a layering cluster.
 *
 * @public
 */
export const layeringClusterEntityCard = EntityCardBlueprint.make({
  name: 'cluster',
  params: {
    type: 'content',
    filter: isLayeringClusterAvailable,
    loader: () =>
      import('./components/LayeringClusterCard').then(m => (
        <m.LayeringClusterCard />
      )),
  },
});

/**
 * The "Layering" tab of MachineConfigPool entities
 * (`entity-content:layering/pool`).
 *
 * @public
 */
export const layeringPoolEntityContent = EntityContentBlueprint.make({
  name: 'pool',
  params: {
    path: '/layering',
    title: 'Layering',
    group: 'deployment',
    filter: isLayeringAvailable,
    loader: () =>
      import('./components/LayeringPoolContent').then(m => (
        <m.LayeringPoolContent />
      )),
  },
});

/**
 * The fleet page (`page:layering`) at `/layering`; it also appears in the
 * navigation with the plugin's title and icon.
 *
 * @public
 */
export const layeringFleetPage = PageBlueprint.make({
  params: {
    path: '/layering',
    title: 'Image layering',
    icon: <LayersIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRefs({ root: rootRouteRef }).root,
    loader: () =>
      import('./components/LayeringFleetPage').then(m => (
        <m.LayeringFleetPage />
      )),
  },
});

/**
 * Scaffolder field `LayeringPoolPicker`
 * (`scaffolder-form-field:layering/pool-picker`).
 *
 * @public
 */
export const layeringPoolPickerFormField = FormFieldBlueprint.make({
  name: 'pool-picker',
  params: {
    field: () =>
      import('./formFields').then(m => m.layeringPoolPickerFormField),
  },
});

/**
 * Scaffolder field `LayeringContainerfileEditor`
 * (`scaffolder-form-field:layering/containerfile-editor`).
 *
 * @public
 */
export const layeringContainerfileEditorFormField = FormFieldBlueprint.make({
  name: 'containerfile-editor',
  params: {
    field: () =>
      import('./formFields').then(m => m.layeringContainerfileEditorFormField),
  },
});

/**
 * Scaffolder field `LayeringBaseImage`
 * (`scaffolder-form-field:layering/base-image`).
 *
 * @public
 */
export const layeringBaseImageFormField = FormFieldBlueprint.make({
  name: 'base-image',
  params: {
    field: () => import('./formFields').then(m => m.layeringBaseImageFormField),
  },
});

/**
 * Scaffolder field `LayeringPoolSetting`
 * (`scaffolder-form-field:layering/pool-setting`): a text input that starts
 * from one of the chosen pool's current layering settings.
 *
 * @public
 */
export const layeringPoolSettingFormField = FormFieldBlueprint.make({
  name: 'pool-setting',
  params: {
    field: () =>
      import('./formFields').then(m => m.layeringPoolSettingFormField),
  },
});

/**
 * Scaffolder field `LayeringRequestPreview`
 * (`scaffolder-form-field:layering/request-preview`): read-only, shows what
 * a request will do before it is submitted.
 *
 * @public
 */
export const layeringRequestPreviewFormField = FormFieldBlueprint.make({
  name: 'request-preview',
  params: {
    field: () =>
      import('./formFields').then(m => m.layeringRequestPreviewFormField),
  },
});

/**
 * Scaffolder field `LayeringDeliveryPicker`
 * (`scaffolder-form-field:layering/delivery-picker`): pull request or
 * direct apply, with the pull request disabled when the portal has no
 * GitHub or GitLab credentials.
 *
 * @public
 */
export const layeringDeliveryPickerFormField = FormFieldBlueprint.make({
  name: 'delivery-picker',
  params: {
    field: () =>
      import('./formFields').then(m => m.layeringDeliveryPickerFormField),
  },
});

/**
 * Scaffolder field `LayeringForgePicker`
 * (`scaffolder-form-field:layering/forge-picker`): GitHub or GitLab, each
 * saying whether the portal has credentials for it.
 *
 * @public
 */
export const layeringForgePickerFormField = FormFieldBlueprint.make({
  name: 'forge-picker',
  params: {
    field: () =>
      import('./formFields').then(m => m.layeringForgePickerFormField),
  },
});

/**
 * The layering plugin for the new frontend system: pool and cluster cards,
 * the pool tab, the fleet page, the API client and the scaffolder fields.
 *
 * @public
 */
export const layeringPlugin = createFrontendPlugin({
  pluginId: 'layering',
  title: 'Image layering',
  icon: <LayersIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: convertLegacyRouteRefs({ root: rootRouteRef }),
  externalRoutes: convertLegacyRouteRefs({
    scaffolderTemplate: scaffolderTemplateRouteRef,
  }),
  extensions: [
    layeringApi,
    layeringPoolEntityCard,
    layeringClusterEntityCard,
    layeringPoolEntityContent,
    layeringFleetPage,
    layeringPoolPickerFormField,
    layeringContainerfileEditorFormField,
    layeringBaseImageFormField,
    layeringPoolSettingFormField,
    layeringRequestPreviewFormField,
    layeringDeliveryPickerFormField,
    layeringForgePickerFormField,
  ],
});

export default layeringPlugin;
