/**
 * Loads `@kubernetes/client-node` at run time: 1.x is ESM-only and this package
 * is built to CommonJS, so only its types are imported statically.
 *
 * @remarks
 * One module for the one dynamic import, so Jest (which runs the package as
 * CommonJS without VM modules) can load the same package through `require`;
 * see `src/setupTests.ts`.
 */
export function loadClientNode(): Promise<typeof import('@kubernetes/client-node')> {
  return import('@kubernetes/client-node');
}
