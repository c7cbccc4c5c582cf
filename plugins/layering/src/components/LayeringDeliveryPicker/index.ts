export { LayeringDeliveryPicker } from './LayeringDeliveryPicker';
export { layeringDeliveryPickerValidation } from './validation';
export type { LayeringDeliveryPickerOptions } from './rules';
