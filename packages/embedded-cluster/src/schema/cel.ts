import type {
  Environment as CelEnvironment,
  Optional as CelOptional,
} from '@marcbachmann/cel-js';

/** The parts of the CEL library the validator uses. */
export interface CelRuntime {
  env: CelEnvironment;
  Optional: typeof CelOptional;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Formats of the Kubernetes CEL `format` library that the validator implements. */
export const K8S_FORMATS: Record<string, (value: string) => boolean> = {
  dns1123Label: v => v.length <= 63 && DNS1123_LABEL.test(v),
  dns1123Subdomain: v => v.length <= 253 && DNS1123_SUBDOMAIN.test(v),
  dns1035Label: v => v.length <= 63 && DNS1035_LABEL.test(v),
};

/**
 * Rewrite the Kubernetes `format.<name>().validate(x).hasValue()` idiom into a call of a function
 * the environment provides (`k8sFormatInvalid('<name>', x)`), since the CEL library has no
 * `format` extension. Other unknown constructs are left alone: they fail to compile and the rule
 * is reported as not enforced.
 */
export function rewriteRule(rule: string): string {
  return rule.replace(
    /format\.(\w+)\(\)\.validate\(([^()]+)\)\.hasValue\(\)/g,
    (_m, name: string, arg: string) => `k8sFormatInvalid('${name}', ${arg})`,
  );
}

let runtime: Promise<CelRuntime> | undefined;

type CelModule = typeof import('@marcbachmann/cel-js');

/**
 * Load the ES-module-only CEL library from CommonJS code. `require` works on Node.js 22.12+ and
 * under Jest without flags (Jest transforms the package); `import()` is the fallback for ESM
 * hosts and for Jest run with `--experimental-vm-modules` (where `require` of ESM is refused).
 */
function importCel(): Promise<CelModule> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return Promise.resolve(require('@marcbachmann/cel-js') as CelModule);
  } catch {
    return import('@marcbachmann/cel-js');
  }
}

/** Load the CEL library (an ES module) once and build the environment the rules run in. */
export function loadCel(): Promise<CelRuntime> {
  runtime ??= importCel().then(cel => {
    const env = new cel.Environment({
      unlistedVariablesAreDyn: true,
      enableOptionalTypes: true,
      homogeneousAggregateLiterals: false,
    }).registerFunction(
      'k8sFormatInvalid(string, string): bool',
      (name: string, value: string) => {
        const check = K8S_FORMATS[name];
        if (!check) throw new Error(`format ${name} is not implemented`);
        return !check(value);
      },
    );
    return { env, Optional: cel.Optional };
  });
  return runtime;
}
