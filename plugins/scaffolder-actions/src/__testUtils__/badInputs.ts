import yaml from 'yaml';

/**
 * Generates bad inputs for scaffolder actions from their own input schemas (the JSON schema
 * that `createTemplateAction` derives from the zod callbacks): every required field left out,
 * every field given the wrong type, every bound crossed, every enum missed, unknown fields where
 * the schema is closed, and, for the fields whose names say what they hold (object names, paths,
 * Containerfiles, manifests, repository URLs), values that pass the schema but must be refused
 * by the action itself. Each case says which field the error has to name.
 */

/** One generated bad input. */
export interface BadInputCase {
  action: string;
  /** Short description for the test title. */
  what: string;
  input: Record<string, unknown>;
  /** The field path the error must name, e.g. `pool`, `nodes[0]`, `configFiles[0].destination`. */
  field: string;
  /** Workspace files to create before the run (path → content). */
  seed?: Record<string, string>;
  /** Whether the schema check alone refuses it (otherwise the handler must). */
  bySchema: boolean;
}

/** A valid input of an action that the generator spoils one field at a time. */
export interface BaseInput {
  input: Record<string, unknown>;
  seed?: Record<string, string>;
  /** Fields whose handler-level mutations use this base (default: the fields it sets). */
  owns?: string[];
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  exclusiveMinimum?: number;
  minimum?: number;
  format?: string;
  pattern?: string;
};

const WRONG_VALUES: Record<string, unknown[]> = {
  string: [42, null, ['x']],
  boolean: ['yes', null],
  integer: ['7', 1.5, null],
  number: ['7', null],
  array: ['x', { 0: 'x' }],
  object: ['x', 1, null],
};

/** Object names (DNS-1123) that must be refused before they reach a URL or a label. */
export const ILLEGAL_NAMES = [
  'Worker_Pool',
  'worker pool',
  '../infra',
  'worker/../../secrets',
  'worker;rm -rf /',
  '$(id)',
  'worker`id`',
  'worker\nmaster',
  '-worker',
  'worker-',
  'wörker',
  'worker%2F..',
  'a'.repeat(254),
];

/** Cluster names carrying injection attempts; none is configured. */
export const HOSTILE_CLUSTERS = [
  'ocp-418/../other',
  'ocp-418?watch=true',
  'ocp-418;curl evil',
  "ocp-418' OR '1'='1",
  'http://169.254.169.254/',
  '{{ secrets.token }}',
  'OCP-418',
];

/** Workspace paths that leave the workspace. */
export const ESCAPING_PATHS = ['../../etc', '/etc/passwd', 'manifests/../../../root', '..', '../workspace-other/m.yaml'];

const CF_OK = 'FROM configs AS final\nRUN dnf install -y tmux && \\\n    ostree container commit\n';

/** Containerfiles that must be refused (secrets, a wrong base, too big, not a Containerfile). */
export const HOSTILE_CONTAINERFILES: Array<[string, string]> = [
  ['no FROM', 'RUN dnf install -y tmux\n'],
  ['empty', ''],
  ['only comments', '# nothing\n'],
  ['a password in ENV', `FROM configs AS final\nENV REGISTRY_PASSWORD=hunter2-Sup3rSecret\n${CF_OK.split('\n').slice(1).join('\n')}`],
  ['an AWS key in ARG', `FROM configs AS final\nARG AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n${CF_OK.split('\n').slice(1).join('\n')}`],
  ['a token in RUN', 'FROM configs AS final\nRUN curl -H "Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789" https://example.com/x.rpm -o /tmp/x.rpm && ostree container commit\n'],
  ['a private key in a heredoc', 'FROM configs AS final\nRUN <<EOF\ncat > /etc/pki/key.pem <<KEY\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\nKEY\nostree container commit\nEOF\n'],
  ['over 60 KiB of RUN lines', `FROM configs AS final\n${'RUN true\n'.repeat(7000)}`],
];

const ROLE = 'machineconfiguration.openshift.io/role';
const DIGEST = 'sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f';
const IMAGE = `registry.example.com/platform-os/worker-layered@${DIGEST}`;

/** A MachineConfig that sets only osImageURL for `role`: what direct apply may write. */
export function layerMachineConfig(role = 'worker', spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: { name: 'os-layer-generated', labels: { [ROLE]: role } as Record<string, string> },
    spec: { osImageURL: IMAGE, ...spec },
  };
}

/** Manifests that direct apply must refuse: beyond layering content, another pool, other kinds. */
export function hostileManifests(): Array<[string, string]> {
  const extras: Record<string, unknown> = {
    kernelArguments: ['selinux=0'],
    kernelType: 'realtime',
    extensions: ['usbguard'],
    fips: true,
    config: { ignition: { version: '3.4.0' }, systemd: { units: [{ name: 'evil.service', enabled: true, contents: '[Service]\nExecStart=/bin/sh -c "id"\n' }] } },
    'config.storage': { ignition: { version: '3.4.0' }, storage: { files: [{ path: '/etc/sudoers.d/evil', contents: { source: 'data:,ALL%20ALL=(ALL)%20NOPASSWD:ALL' } }] } },
    'config.passwd': { ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA evil'] }] } },
  };
  const cases: Array<[string, string]> = Object.entries(extras).map(([key, value]) => [
    `a MachineConfig with ${key}`,
    yaml.stringify(layerMachineConfig('worker', { [key.split('.')[0]]: value })),
  ]);
  for (const role of ['master', 'infra', 'worker,master', '']) {
    cases.push([`a MachineConfig for role "${role}"`, yaml.stringify(layerMachineConfig(role))]);
  }
  const unlabelled = layerMachineConfig();
  unlabelled.metadata.labels = {};
  cases.push(['a MachineConfig without a role', yaml.stringify(unlabelled)]);
  cases.push(['a rendered-* MachineConfig', yaml.stringify({ ...layerMachineConfig(), metadata: { name: 'rendered-worker-0000', labels: { [ROLE]: 'worker' } } })]);
  const kinds: Array<[string, string, Record<string, unknown>]> = [
    ['v1', 'Secret', { metadata: { name: 'x', namespace: 'openshift-machine-config-operator' }, data: {} }],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { metadata: { name: 'x' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] }],
    ['v1', 'Pod', { metadata: { name: 'x', namespace: 'default' }, spec: { hostPID: true, containers: [{ name: 'x', image: 'busybox' }] } }],
    ['machineconfiguration.openshift.io/v1', 'MachineConfigPool', { metadata: { name: 'worker' }, spec: { paused: true } }],
    ['v1', 'Node', { metadata: { name: 'worker-0', labels: { 'node-role.kubernetes.io/master': '' } } }],
  ];
  for (const [apiVersion, kind, rest] of kinds) {
    cases.push([`a ${kind}`, yaml.stringify({ apiVersion, kind, ...rest })]);
  }
  cases.push([
    'a MachineOSConfig for another pool',
    yaml.stringify({ apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineOSConfig', metadata: { name: 'master' }, spec: { machineConfigPool: { name: 'master' } } }),
  ]);
  cases.push(['a good MachineConfig followed by a Secret', `${yaml.stringify(layerMachineConfig())}---\n${yaml.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'default' } })}`]);
  cases.push(['not YAML', 'kind: [unclosed']);
  cases.push(['a YAML list', '- a\n- b\n']);
  cases.push(['a scalar', 'hello\n']);
  cases.push(['an alias bomb', `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`]);
  return cases;
}

/** Repository URLs (RepoUrlPicker form) that must not reach any forge. */
export const HOSTILE_REPO_URLS = [
  'evil.example.com?owner=platform&repo=cluster-gitops',
  'gitlab.example.com',
  'gitlab.example.com?owner=platform',
  'gitlab.example.com?repo=cluster-gitops',
  'gitlab.example.com?owner=../../admin&repo=x',
  'gitlab.example.com@evil.example.com?owner=a&repo=b',
  'not a url at all',
];

const NAME_FIELDS = new Set([
  'cluster',
  'pool',
  'build',
  'nodes',
  'machineConfig',
  'machineConfigName',
  'pushSecret',
  'baseImagePullSecret',
]);
// currentImagePullSecret is left out: on a v1 cluster (the test's) it is not used, and a warning
// says so, whatever its value.
const PATH_FIELDS = new Set(['outputDir', 'manifests']);

function typesOf(schema: JsonSchema): string[] {
  if (!schema.type) {
    return [];
  }
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function validItem(schema: JsonSchema, sample: unknown): unknown {
  if (sample !== undefined) {
    return sample;
  }
  if (schema.enum) {
    return schema.enum[0];
  }
  return typesOf(schema)[0] === 'object' ? {} : 'x';
}

/** Cases the schema check alone must refuse, for one (object) schema at `prefix`. */
function schemaCases(
  schema: JsonSchema,
  base: Record<string, unknown>,
  prefix: string,
  wrap: (value: Record<string, unknown>) => Record<string, unknown>,
): Array<Omit<BadInputCase, 'action' | 'seed'>> {
  const out: Array<Omit<BadInputCase, 'action' | 'seed'>> = [];
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  for (const key of schema.required ?? []) {
    const { [key]: _dropped, ...rest } = base;
    out.push({ what: `without required ${at(key)}`, input: wrap(rest), field: at(key), bySchema: true });
  }
  if (schema.additionalProperties === false) {
    for (const extra of ['kubeconfig', 'namespace', 'apiToken', 'dryRun']) {
      if (!schema.properties?.[extra]) {
        out.push({ what: `unknown field ${at(extra)}`, input: wrap({ ...base, [extra]: 'x' }), field: extra, bySchema: true });
      }
    }
  }
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const set = (value: unknown) => wrap({ ...base, [key]: value });
    for (const type of typesOf(prop)) {
      for (const value of WRONG_VALUES[type] ?? []) {
        out.push({ what: `${at(key)} as ${JSON.stringify(value)}`, input: set(value), field: at(key), bySchema: true });
      }
    }
    if (prop.enum) {
      for (const value of ['bogus', String(prop.enum[0]).toUpperCase()]) {
        out.push({ what: `${at(key)} = ${JSON.stringify(value)}`, input: set(value), field: at(key), bySchema: true });
      }
    }
    if (prop.maxLength !== undefined) {
      out.push({ what: `${at(key)} over ${prop.maxLength} characters`, input: set('a'.repeat(prop.maxLength + 1)), field: at(key), bySchema: true });
    }
    if (prop.minLength) {
      out.push({ what: `${at(key)} empty`, input: set(''), field: at(key), bySchema: true });
    }
    if (prop.format === 'uri') {
      out.push({ what: `${at(key)} not a URI`, input: set('not a url'), field: at(key), bySchema: true });
    }
    if (prop.pattern) {
      for (const value of ['../outside', 'a/../../b', '/abs/path', 'a b']) {
        out.push({ what: `${at(key)} = ${value}`, input: set(value), field: at(key), bySchema: true });
      }
    }
    if (prop.exclusiveMinimum !== undefined) {
      out.push({ what: `${at(key)} = ${prop.exclusiveMinimum}`, input: set(prop.exclusiveMinimum), field: at(key), bySchema: true });
    }
    if (typesOf(prop).includes('array') && prop.items) {
      const sample = Array.isArray(base[key]) ? (base[key] as unknown[])[0] : undefined;
      const item = validItem(prop.items, sample);
      if (prop.maxItems !== undefined) {
        out.push({ what: `${at(key)} with ${prop.maxItems + 1} items`, input: set(Array(prop.maxItems + 1).fill(item)), field: at(key), bySchema: true });
      }
      if (prop.minItems) {
        out.push({ what: `${at(key)} empty`, input: set([]), field: at(key), bySchema: true });
      }
      for (const type of typesOf(prop.items)) {
        for (const value of (WRONG_VALUES[type] ?? []).slice(0, 2)) {
          out.push({ what: `${at(key)}[0] as ${JSON.stringify(value)}`, input: set([value]), field: `${at(key)}[0]`, bySchema: true });
        }
      }
      if (typesOf(prop.items).includes('object') && item && typeof item === 'object') {
        out.push(
          ...schemaCases(prop.items, item as Record<string, unknown>, `${at(key)}[0]`, value => set([value])),
        );
      }
    }
  }
  return out;
}

/** Cases that pass the schema and that the action itself must refuse, driven by field names. */
function semanticCases(
  schema: JsonSchema,
  bases: BaseInput[],
): Array<Omit<BadInputCase, 'action'>> {
  const out: Array<Omit<BadInputCase, 'action'>> = [];
  const baseFor = (key: string) =>
    bases.find(b => (b.owns ?? Object.keys(b.input)).includes(key)) ?? bases[0];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const base = baseFor(key);
    const isArray = typesOf(prop).includes('array');
    const field = isArray ? `${key}[0]` : key;
    const set = (value: string) => ({ ...base.input, [key]: isArray ? [value] : value });
    const push = (what: string, value: string, seed = base.seed) =>
      out.push({ what, input: set(value), field, seed, bySchema: false });
    const required = (schema.required ?? []).includes(key) || isArray;
    if (NAME_FIELDS.has(key)) {
      if (required) {
        push(`${field} empty`, '');
      }
      for (const name of key === 'cluster' ? HOSTILE_CLUSTERS : ILLEGAL_NAMES) {
        push(`${field} = ${JSON.stringify(name).slice(0, 40)}`, name);
      }
    }
    if (PATH_FIELDS.has(key)) {
      for (const p of ESCAPING_PATHS) {
        push(`${field} = ${p}`, p);
      }
    }
    if (key === 'containerfile') {
      for (const [what, content] of HOSTILE_CONTAINERFILES) {
        if (prop.maxLength === undefined || content.length <= prop.maxLength) {
          push(`containerfile with ${what}`, content);
        }
      }
    }
    if (key === 'manifests') {
      for (const [what, content] of hostileManifests()) {
        push(`manifest: ${what}`, 'hostile.yaml', { ...base.seed, 'hostile.yaml': content });
      }
    }
    if (key === 'repoUrl') {
      for (const url of HOSTILE_REPO_URLS) {
        push(`repoUrl = ${url}`, url);
      }
    }
  }
  return out;
}

/**
 * Every bad input for one action: `schema` is the action's `schema.input` (JSON schema), `bases`
 * its valid inputs (the first one is spoiled for the schema cases).
 */
export function generateBadInputs(
  action: string,
  schema: JsonSchema,
  bases: BaseInput[],
): BadInputCase[] {
  const [first] = bases;
  return [
    ...schemaCases(schema, first.input, '', value => value).map(c => ({ ...c, action, seed: first.seed })),
    ...semanticCases(schema, bases).map(c => ({ ...c, action })),
  ];
}

/**
 * Whether `message` names `field` in one of the forms errors take here: the house form
 * `field: …` (or `field[…]…: …`), or the JSON-schema validator's `instance.field` and
 * `property "field"`.
 */
export function namesField(message: string, field: string): boolean {
  const last = field.replace(/\[\d+\]$/, '').split('.').pop()!.trim();
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (
    new RegExp(`(^|\\n|\\s)${escaped}(\\[[^\\]]*\\]|\\.[\\w"\\[\\]/.-]+)*:`).test(message) ||
    message.includes(`instance.${field}`) ||
    message.includes(`property "${last}"`) ||
    message.includes(`property "${field.trim()}"`)
  );
}
