/**
 * Frontend of the RHCOS image layering suite: pool and cluster cards, the
 * pool tab, the fleet page and scaffolder fields. The default export is the
 * plugin for the new frontend system; the legacy plugin is under this
 * package's `/legacy` subpath.
 *
 * @packageDocumentation
 */
// The package name stays out of the comment above: TypeScript's stripInternal
// drops any declaration whose comment contains the text of the internal tag,
// and our scope name has it.
export { layeringPlugin as default } from './plugin';
export {
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
} from './plugin';
export { isLayeringAvailable, isLayeringClusterAvailable } from './filters';
export { layeringApiRef, LayeringClient } from './api';
export type {
  LayeringApi,
  LayeringClusterDetail,
  LayeringFleetQuery,
  LayeringReleaseHistoryEntry,
  LayeringReleaseInfo,
} from './api';
export type { LayeringPoolCardProps } from './components/LayeringPoolCard';
export type {
  LayeringPoolPickerOptions,
  LayeringPoolPickerValue,
} from './components/LayeringPoolPicker';
export type { LayeringContainerfileEditorOptions } from './components/LayeringContainerfileEditor';
export type { LayeringBaseImageOptions } from './components/LayeringBaseImage';
export { POOL_SETTINGS } from './components/LayeringPoolSetting';
export type {
  LayeringPoolSettingName,
  LayeringPoolSettingOptions,
} from './components/LayeringPoolSetting';
export type {
  LayeringChangeMode,
  LayeringOperation,
  LayeringRequestPreviewOptions,
} from './components/LayeringRequestPreview';
export type { LayeringDeliveryPickerOptions } from './components/LayeringDeliveryPicker';
export type { LayeringForgePickerOptions } from './components/LayeringForgePicker';
