/**
 * Loads the embedded cluster only when it is used (development), so a
 * production backend never loads its API server and simulation.
 *
 * @remarks
 * A module of its own so Jest, which refuses native dynamic imports here, can
 * load the same package through require(); see `src/setupTests.ts`.
 */
export function loadEmbeddedOpenshift(): Promise<typeof import('@internal/embedded-openshift')> {
  return import('@internal/embedded-openshift');
}
