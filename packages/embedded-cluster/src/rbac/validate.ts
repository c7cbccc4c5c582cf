import type { ValidationCause } from '../store/ObjectStore';
import type { K8sObject, ResourceName } from '../store/types';
import { RBAC_GROUP } from '../store/resources';

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

function checkRules(
  rules: unknown,
  namespaced: boolean,
  causes: ValidationCause[],
): void {
  if (rules === undefined || rules === null) return;
  if (!Array.isArray(rules)) {
    causes.push({
      field: 'rules',
      message: 'Invalid value: must be a list',
      reason: 'FieldValueTypeInvalid',
    });
    return;
  }
  rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!isRecord(rule)) {
      causes.push({
        field: at,
        message: 'Invalid value: must be an object',
        reason: 'FieldValueTypeInvalid',
      });
      return;
    }
    for (const key of [
      'verbs',
      'apiGroups',
      'resources',
      'resourceNames',
      'nonResourceURLs',
    ]) {
      if (rule[key] !== undefined && !stringList(rule[key])) {
        causes.push({
          field: `${at}.${key}`,
          message: 'Invalid value: must be a list of strings',
          reason: 'FieldValueTypeInvalid',
        });
      }
    }
    if (!stringList(rule.verbs) || rule.verbs.length === 0) {
      causes.push({
        field: `${at}.verbs`,
        message: 'Required value: verbs must contain at least one value',
        reason: 'FieldValueRequired',
      });
    }
    const resources = stringList(rule.resources) ? rule.resources : [];
    const urls = stringList(rule.nonResourceURLs) ? rule.nonResourceURLs : [];
    if (urls.length > 0) {
      if (namespaced) {
        causes.push({
          field: `${at}.nonResourceURLs`,
          message:
            'Invalid value: namespaced rules cannot apply to non-resource URLs',
          reason: 'FieldValueInvalid',
        });
      } else if (resources.length > 0) {
        causes.push({
          field: `${at}.nonResourceURLs`,
          message:
            'Invalid value: rules cannot apply to both regular resources and non-resource URLs',
          reason: 'FieldValueInvalid',
        });
      }
    } else if (resources.length === 0) {
      causes.push({
        field: `${at}.resources`,
        message:
          'Required value: resource rules must supply at least one resource',
        reason: 'FieldValueRequired',
      });
    } else if (!stringList(rule.apiGroups) || rule.apiGroups.length === 0) {
      causes.push({
        field: `${at}.apiGroups`,
        message:
          'Required value: resource rules must supply at least one api group',
        reason: 'FieldValueRequired',
      });
    }
  });
}

function checkBinding(
  object: K8sObject,
  old: K8sObject | undefined,
  cluster: boolean,
  causes: ValidationCause[],
): void {
  const ref = object.roleRef;
  if (!isRecord(ref)) {
    causes.push({
      field: 'roleRef',
      message: 'Required value',
      reason: 'FieldValueRequired',
    });
  } else {
    const kinds = cluster ? ['ClusterRole'] : ['ClusterRole', 'Role'];
    if (!kinds.includes(String(ref.kind))) {
      causes.push({
        field: 'roleRef.kind',
        message: `Unsupported value: ${JSON.stringify(
          ref.kind,
        )}: supported values: ${kinds.map(k => `"${k}"`).join(', ')}`,
        reason: 'FieldValueNotSupported',
      });
    }
    if (ref.apiGroup !== RBAC_GROUP) {
      causes.push({
        field: 'roleRef.apiGroup',
        message: `Unsupported value: ${JSON.stringify(
          ref.apiGroup,
        )}: supported values: "${RBAC_GROUP}"`,
        reason: 'FieldValueNotSupported',
      });
    }
    if (typeof ref.name !== 'string' || !ref.name) {
      causes.push({
        field: 'roleRef.name',
        message: 'Required value',
        reason: 'FieldValueRequired',
      });
    }
  }
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(object.roleRef)) {
    causes.push({
      field: 'roleRef',
      message: 'Invalid value: cannot change roleRef',
      reason: 'FieldValueInvalid',
    });
  }
  const subjects = object.subjects;
  if (subjects === undefined || subjects === null) return;
  if (!Array.isArray(subjects)) {
    causes.push({
      field: 'subjects',
      message: 'Invalid value: must be a list',
      reason: 'FieldValueTypeInvalid',
    });
    return;
  }
  subjects.forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!isRecord(s) || !SUBJECT_KINDS.includes(String(s.kind))) {
      causes.push({
        field: `${at}.kind`,
        message: `Unsupported value: ${JSON.stringify(
          isRecord(s) ? s.kind : s,
        )}: supported values: "ServiceAccount", "User", "Group"`,
        reason: 'FieldValueNotSupported',
      });
      return;
    }
    if (typeof s.name !== 'string' || !s.name) {
      causes.push({
        field: `${at}.name`,
        message: 'Required value',
        reason: 'FieldValueRequired',
      });
    }
    if (s.kind === 'ServiceAccount' && cluster && !s.namespace) {
      causes.push({
        field: `${at}.namespace`,
        message: 'Required value',
        reason: 'FieldValueRequired',
      });
    }
  });
}

/**
 * Built-in validation of the RBAC kinds (kube-apiserver validates them in Go): rules need verbs
 * and either resources with API groups or (ClusterRoles only) non-resource URLs; bindings need a
 * role reference, which never changes, and subjects of a known kind.
 *
 * @public
 */
export function validateRbacObject(
  resource: ResourceName,
  object: K8sObject,
  old: K8sObject | undefined,
): ValidationCause[] {
  const causes: ValidationCause[] = [];
  switch (resource) {
    case 'clusterroles':
      checkRules(object.rules, false, causes);
      break;
    case 'roles':
      checkRules(object.rules, true, causes);
      break;
    case 'clusterrolebindings':
      checkBinding(object, old, true, causes);
      break;
    case 'rolebindings':
      checkBinding(object, old, false, causes);
      break;
    default:
      break;
  }
  return causes;
}
