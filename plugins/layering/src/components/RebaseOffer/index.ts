export { RebaseOffer, REBASE_TEMPLATE } from './RebaseOffer';
export type { RebaseOfferProps } from './RebaseOffer';
