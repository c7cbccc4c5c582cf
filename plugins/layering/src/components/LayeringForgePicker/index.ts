export { LayeringForgePicker } from './LayeringForgePicker';
export { layeringForgePickerValidation } from './validation';
export type { LayeringForgePickerOptions } from './rules';
