/**
 * The layering plugin for apps on the legacy frontend system
 * (`@backstage/core-plugin-api`), imported from this package's `/legacy`
 * subpath.
 *
 * @packageDocumentation
 */
// The package name stays out of the comment above: TypeScript's stripInternal
// drops any declaration whose comment contains the text of the internal tag,
// and our scope name has it.
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
// The same refs as core-plugin-api's deprecated discoveryApiRef/fetchApiRef.
import { coreApis } from '@backstage/frontend-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { LayeringClient, layeringApiRef } from './api';
import { rootRouteRef, scaffolderTemplateRouteRef } from './routes';
import type { LayeringPoolCardProps } from './components/LayeringPoolCard';
import {
  LayeringPoolPicker,
  layeringPoolPickerValidation,
} from './components/LayeringPoolPicker';
import {
  LayeringContainerfileEditor,
  layeringContainerfileEditorValidation,
} from './components/LayeringContainerfileEditor';
import {
  LayeringBaseImage,
  layeringBaseImageValidation,
} from './components/LayeringBaseImage';
import { LayeringRequestPreview } from './components/LayeringRequestPreview';
import {
  LayeringPoolSetting,
  layeringPoolSettingValidation,
} from './components/LayeringPoolSetting';
import {
  LayeringDeliveryPicker,
  layeringDeliveryPickerValidation,
} from './components/LayeringDeliveryPicker';
import {
  LayeringForgePicker,
  layeringForgePickerValidation,
} from './components/LayeringForgePicker';
import {
  layeringBaseImageSchema,
  layeringContainerfileEditorSchema,
  layeringDeliveryPickerSchema,
  layeringForgePickerSchema,
  layeringPoolPickerSchema,
  layeringPoolSettingSchema,
  layeringRequestPreviewSchema,
} from './formFields';

/**
 * The legacy layering plugin. Bind `scaffolderTemplate` to the scaffolder's
 * `selectedTemplate` route in `bindRoutes` to enable "Request a change".
 *
 * @public
 */
export const layeringPlugin = createPlugin({
  id: 'layering',
  apis: [
    createApiFactory({
      api: layeringApiRef,
      deps: { discoveryApi: coreApis.discovery, fetchApi: coreApis.fetch },
      factory: ({ discoveryApi, fetchApi }) =>
        new LayeringClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
  externalRoutes: { scaffolderTemplate: scaffolderTemplateRouteRef },
});

/**
 * The pool card, for `EntitySwitch.Case if={isLayeringAvailable}`.
 *
 * @public
 */
export const EntityLayeringPoolCard: (
  props: LayeringPoolCardProps,
) => JSX.Element | null = layeringPlugin.provide(
  createComponentExtension({
    name: 'EntityLayeringPoolCard',
    component: {
      lazy: () =>
        import('./components/LayeringPoolCard').then(m => m.LayeringPoolCard),
    },
  }),
);

/**
 * The cluster card, for `EntitySwitch.Case if={isLayeringClusterAvailable}`.
 *
 * @public
 */
export const EntityLayeringClusterCard: () => JSX.Element =
  layeringPlugin.provide(
    createComponentExtension({
      name: 'EntityLayeringClusterCard',
      component: {
        lazy: () =>
          import('./components/LayeringClusterCard').then(
            m => m.LayeringClusterCard,
          ),
      },
    }),
  );

/**
 * The "Layering" tab content of a pool entity page.
 *
 * @public
 */
export const EntityLayeringPoolContent: () => JSX.Element | null =
  layeringPlugin.provide(
    createComponentExtension({
      name: 'EntityLayeringPoolContent',
      component: {
        lazy: () =>
          import('./components/LayeringPoolContent').then(
            m => m.LayeringPoolContent,
          ),
      },
    }),
  );

/**
 * The fleet page; mount it at `/layering`.
 *
 * @public
 */
export const LayeringFleetPage: () => JSX.Element = layeringPlugin.provide(
  createRoutableExtension({
    name: 'LayeringFleetPage',
    component: () =>
      import('./components/LayeringFleetPage').then(m => m.LayeringFleetPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Scaffolder field `LayeringPoolPicker`; place inside `ScaffolderFieldExtensions`.
 *
 * @public
 */
export const LayeringPoolPickerFieldExtension = layeringPlugin.provide(
  createScaffolderFieldExtension({
    name: 'LayeringPoolPicker',
    component: LayeringPoolPicker,
    validation: layeringPoolPickerValidation,
    schema: layeringPoolPickerSchema.schema,
  }),
);

/**
 * Scaffolder field `LayeringContainerfileEditor`.
 *
 * @public
 */
export const LayeringContainerfileEditorFieldExtension = layeringPlugin.provide(
  createScaffolderFieldExtension({
    name: 'LayeringContainerfileEditor',
    component: LayeringContainerfileEditor,
    validation: layeringContainerfileEditorValidation,
    schema: layeringContainerfileEditorSchema.schema,
  }),
);

/**
 * Scaffolder field `LayeringBaseImage`.
 *
 * @public
 */
export const LayeringBaseImageFieldExtension = layeringPlugin.provide(
  createScaffolderFieldExtension({
    name: 'LayeringBaseImage',
    component: LayeringBaseImage,
    validation: layeringBaseImageValidation,
    schema: layeringBaseImageSchema.schema,
  }),
);

/**
 * Scaffolder field `LayeringPoolSetting`: a text input that starts from one
 * of the chosen pool's current layering settings.
 *
 * @public
 */
export const LayeringPoolSettingFieldExtension = layeringPlugin.provide(
  createScaffolderFieldExtension({
    name: 'LayeringPoolSetting',
    component: LayeringPoolSetting,
    validation: layeringPoolSettingValidation,
    schema: layeringPoolSettingSchema.schema,
  }),
);

/**
 * Scaffolder field `LayeringRequestPreview`: read-only, shows what a request
 * will do before it is submitted.
 *
 * @public
 */
export const LayeringRequestPreviewFieldExtension = layeringPlugin.provide(
  createScaffolderFieldExtension({
    name: 'LayeringRequestPreview',
    component: LayeringRequestPreview,
    schema: layeringRequestPreviewSchema.schema,
  }),
);

/**
 * Scaffolder field `LayeringDeliveryPicker`: pull request or direct apply,
 * with the pull request disabled when the portal has no GitHub or GitLab
 * credentials.
 *
 * @public
 */
export const LayeringDeliveryPickerFieldExtension = layeringPlugin.provide(
  createScaffolderFieldExtension({
    name: 'LayeringDeliveryPicker',
    component: LayeringDeliveryPicker,
    validation: layeringDeliveryPickerValidation,
    schema: layeringDeliveryPickerSchema.schema,
  }),
);

/**
 * Scaffolder field `LayeringForgePicker`: GitHub or GitLab, each saying
 * whether the portal has credentials for it.
 *
 * @public
 */
export const LayeringForgePickerFieldExtension = layeringPlugin.provide(
  createScaffolderFieldExtension({
    name: 'LayeringForgePicker',
    component: LayeringForgePicker,
    validation: layeringForgePickerValidation,
    schema: layeringForgePickerSchema.schema,
  }),
);

export { isLayeringAvailable, isLayeringClusterAvailable } from './filters';
export { layeringApiRef, LayeringClient } from './api';
export type { LayeringPoolCardProps } from './components/LayeringPoolCard';
export type {
  LayeringApi,
  LayeringClusterDetail,
  LayeringFleetQuery,
  LayeringReleaseHistoryEntry,
  LayeringReleaseInfo,
} from './api';
export type { LayeringPoolPickerValue } from './components/LayeringPoolPicker';
