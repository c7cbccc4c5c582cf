export {
  RequestChangeMenu,
  prefillQuery,
  DEFAULT_FORM_DATA_KEY,
  DEFAULT_TEMPLATE_TAG,
} from './RequestChangeMenu';
export type { RequestChangeMenuProps } from './RequestChangeMenu';
