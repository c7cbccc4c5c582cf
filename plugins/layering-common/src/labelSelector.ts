/**
 * A Kubernetes label selector, as pools write `machineConfigSelector` and `nodeSelector`.
 *
 * @public
 */
export interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: ReadonlyArray<{
    key: string;
    operator: string;
    values?: ReadonlyArray<string>;
  }>;
}

/**
 * Whether a label set satisfies a selector, with Kubernetes semantics: every `matchLabels` entry
 * and every expression (`In`, `NotIn`, `Exists`, `DoesNotExist`) must hold; an empty selector
 * selects everything; an unknown operator selects nothing.
 *
 * @public
 */
export function labelSelectorMatches(
  selector: LabelSelectorLike,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(labels[expression.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expression.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
