export { LayeringContainerfileEditor } from './LayeringContainerfileEditor';
export { layeringContainerfileEditorValidation } from './validation';
export { containerfileIssues } from './rules';
export type { LayeringContainerfileEditorOptions } from './rules';
