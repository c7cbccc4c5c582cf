type EmbeddedOpenshift = typeof import('@rhcos-layering/embedded-openshift');

/**
 * Loads the embedded cluster only when it is used (development), so a production backend never
 * loads its API server and simulation. A lazy `require`, like `loadClientNode`.
 */
export async function loadEmbeddedOpenshift(): Promise<EmbeddedOpenshift> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@rhcos-layering/embedded-openshift');
}
