/**
 * Loads `@kubernetes/client-node` on first use. 1.x is ESM-only and this package runs as
 * CommonJS: Node 22 loads ES modules through `require`, and so does Jest's module system, so one
 * lazy `require` serves the backend, the scaffolder module and every test (a native dynamic
 * import fails under Jest).
 *
 * @public
 */
export function loadClientNode(): typeof import('@kubernetes/client-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@kubernetes/client-node');
}
