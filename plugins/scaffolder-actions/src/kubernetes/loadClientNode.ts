/**
 * Loads `@kubernetes/client-node` (ESM-only) from this CommonJS package with a lazy `require`,
 * which Node 22 and Jest both support; the layering backend loads it the same way.
 */
export function loadClientNode(): typeof import('@kubernetes/client-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@kubernetes/client-node');
}
