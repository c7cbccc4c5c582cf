export { LayeringPoolSetting } from './LayeringPoolSetting';
export { layeringPoolSettingValidation } from './validation';
export { POOL_SETTINGS } from './rules';
export type {
  LayeringPoolSettingName,
  LayeringPoolSettingOptions,
} from './rules';
