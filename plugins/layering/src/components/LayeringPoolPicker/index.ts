export { LayeringPoolPicker } from './LayeringPoolPicker';
export { layeringPoolPickerValidation } from './validation';
export { poolRefusals } from './rules';
export type {
  LayeringPoolPickerOptions,
  LayeringPoolPickerValue,
} from './rules';
