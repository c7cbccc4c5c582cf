export { RequestChangeMenu, prefillQuery } from './RequestChangeMenu';
export { DEFAULT_FORM_DATA_KEY, DEFAULT_TEMPLATE_TAG } from './constants';
export type { RequestChangeMenuProps } from './RequestChangeMenu';
