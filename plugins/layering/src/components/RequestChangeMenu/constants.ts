/** Default tag of the templates offered by "Request a change". */
export const DEFAULT_TEMPLATE_TAG = 'layering';

/** Default template parameter prefilled with `{ cluster, pool }`. */
export const DEFAULT_FORM_DATA_KEY = 'target';
