type EmbeddedOpenshift = typeof import('@internal/embedded-openshift');

/**
 * Loads the embedded cluster only when it is used (development), so a
 * production backend never loads its API server and simulation.
 *
 * @remarks
 * A module of its own so Jest, which refuses native dynamic imports here, can
 * load the same package through require(); see `src/setupTests.ts`.
 */
export async function loadEmbeddedOpenshift(): Promise<EmbeddedOpenshift> {
  const loaded = await import('@internal/embedded-openshift');
  // The package is CommonJS once transpiled; imported from here its exports may only be
  // reachable under `default`.
  if (typeof loaded.startEmbeddedCluster === 'function') {
    return loaded;
  }
  return (loaded as unknown as { default: EmbeddedOpenshift }).default;
}
