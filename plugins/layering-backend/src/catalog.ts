/**
 * The catalog module of the layering backend as a default export, for
 * `backend.add(import('@internal/plugin-layering-backend/catalog'))`.
 *
 * @packageDocumentation
 */

export { catalogModuleLayeringEntityProvider as default } from './providers/module';
