export {
  layeringPoolPermissionResourceRef,
  type LayeringPoolQuery,
  type LayeringPoolResource,
} from './resource';
export {
  hasLayeringMode,
  isInCluster,
  isPoolOwner,
  layeringPoolPermissionRules,
} from './rules';
export {
  createLayeringPoolConditionalDecision,
  layeringPoolConditions,
} from './conditions';
