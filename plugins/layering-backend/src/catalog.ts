/**
 * The catalog module of the layering backend as a default export, for adding
 * it on its own through this package's `/catalog` subpath.
 *
 * @packageDocumentation
 */
// The package name stays out of the comment above: TypeScript's stripInternal
// drops any declaration whose comment contains the text of the internal tag,
// and our scope name has it.

export { catalogModuleLayeringEntityProvider as default } from './providers/module';
