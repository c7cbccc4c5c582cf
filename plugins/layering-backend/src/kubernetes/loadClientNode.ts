/**
 * Loads `@kubernetes/client-node` when the first cluster connects. 1.x is ESM-only and this
 * package runs as CommonJS: Node 22 (the portal's runtime, see `engines`) loads ES modules
 * through `require`, and so does Jest's module system, so one mechanism serves the backend,
 * the scaffolder module and every test.
 */
export async function loadClientNode(): Promise<typeof import('@kubernetes/client-node')> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@kubernetes/client-node');
}
