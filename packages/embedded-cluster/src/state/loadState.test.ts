import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify as yamlStringify } from 'yaml';
import { loadStateDir } from './loadState';

const STATES = path.resolve(__dirname, '../../states');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'load-state-test-'));
}

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n`;

describe('loadStateDir with a base state (state.yaml)', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir();
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads the base first, then adds the objects, images and releases of the directory', () => {
    fs.mkdirSync(path.join(root, 'base'));
    fs.mkdirSync(path.join(root, 'top'));
    fs.writeFileSync(path.join(root, 'base', '10-a.yaml'), cm('from-base'));
    fs.writeFileSync(
      path.join(root, 'base', 'images.yaml'),
      `images:\n  - image: example.com/base@sha256:${'a'.repeat(64)}\n`,
    );
    fs.writeFileSync(path.join(root, 'top', 'state.yaml'), 'base: ../base\n');
    fs.writeFileSync(path.join(root, 'top', '05-b.yaml'), cm('from-top'));
    fs.writeFileSync(
      path.join(root, 'top', 'images.yaml'),
      `images:\n  - image: example.com/top@sha256:${'b'.repeat(64)}\n`,
    );
    fs.writeFileSync(
      path.join(root, 'top', 'releases.yaml'),
      'releases:\n  - { version: 4.18.24, image: r, rhcosImage: c }\n',
    );
    const state = loadStateDir(path.join(root, 'top'));
    expect(state.objects.map(o => [o.object.metadata.name, o.source])).toEqual([
      ['from-base', path.join('..', 'base', '10-a.yaml (document 1)')],
      ['from-top', '05-b.yaml (document 1)'],
    ]);
    expect(state.images.map(i => i.image)).toEqual([
      `example.com/base@sha256:${'a'.repeat(64)}`,
      `example.com/top@sha256:${'b'.repeat(64)}`,
    ]);
    expect(state.releases.map(r => r.version)).toEqual(['4.18.24']);
  });

  it('refuses a base that is not a path, and a chain of bases that comes back to itself', () => {
    fs.writeFileSync(path.join(root, 'state.yaml'), 'base: 3\n');
    expect(() => loadStateDir(root)).toThrow(
      'state.yaml: "base" must be the path of a state directory',
    );
    fs.mkdirSync(path.join(root, 'a'));
    fs.mkdirSync(path.join(root, 'b'));
    fs.writeFileSync(path.join(root, 'a', 'state.yaml'), 'base: ../b\n');
    fs.writeFileSync(path.join(root, 'b', 'state.yaml'), 'base: ../a\n');
    expect(() => loadStateDir(path.join(root, 'a'))).toThrow(/is its own base/);
    fs.writeFileSync(path.join(root, 'b', 'state.yaml'), 'base: ../missing\n');
    expect(() => loadStateDir(path.join(root, 'a'))).toThrow(
      /State directory .*missing does not exist/,
    );
  });

  it('ocp-418 is the sample plus its own additions', () => {
    const sample = loadStateDir(path.join(STATES, 'sample'));
    const ocp418 = loadStateDir(path.join(STATES, 'ocp-418'));
    const names = (s: typeof sample) =>
      s.objects.map(o => `${o.object.kind}/${o.object.metadata.name}`);
    expect(names(ocp418).slice(0, sample.objects.length)).toEqual(names(sample));
    expect(ocp418.objects.length).toBeGreaterThan(sample.objects.length);
    expect(ocp418.images.slice(0, sample.images.length)).toEqual(sample.images);
    expect(sample.releases).toEqual([]);
    expect(ocp418.releases.map(r => r.version)).toEqual([
      '4.18.17',
      '4.18.21',
      '4.18.24',
      '4.19.9',
    ]);
  });
});

describe('loadStateDir with JSON state files', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir();
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  const cmObject = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
    data: { answer: '42', enabled: 'true' },
  });
  const names = (dir: string) =>
    loadStateDir(dir).objects.map(o => `${o.object.metadata.name} <- ${o.source}`);

  it('reads one object, an array of objects and a List, in file order with the YAML files', () => {
    fs.writeFileSync(path.join(root, '10-one.json'), JSON.stringify(cmObject('one')));
    fs.writeFileSync(
      path.join(root, '20-many.json'),
      JSON.stringify([cmObject('two'), cmObject('three')]),
    );
    fs.writeFileSync(path.join(root, '25-yaml.yaml'), cm('four'));
    fs.writeFileSync(
      path.join(root, '30-list.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [cmObject('five')] }),
    );
    expect(names(root)).toEqual([
      'one <- 10-one.json (document 1)',
      'two <- 20-many.json (document 1)',
      'three <- 20-many.json (document 2)',
      'four <- 25-yaml.yaml (document 1)',
      'five <- 30-list.json (document 1)',
    ]);
  });

  it('gives the same objects as the same state written as YAML', () => {
    const objects = [cmObject('a'), cmObject('b')];
    fs.mkdirSync(path.join(root, 'json'));
    fs.mkdirSync(path.join(root, 'yaml'));
    fs.writeFileSync(path.join(root, 'json', 'objects.json'), JSON.stringify(objects));
    fs.writeFileSync(
      path.join(root, 'yaml', 'objects.yaml'),
      objects.map(o => yamlStringify(o)).join('---\n'),
    );
    const read = (dir: string) => loadStateDir(path.join(root, dir)).objects.map(o => o.object);
    expect(read('json')).toEqual(read('yaml'));
    expect(read('json')).toEqual(objects);
  });

  it('names the file of bad JSON and of a JSON value that is not a Kubernetes object', () => {
    fs.writeFileSync(path.join(root, 'bad.json'), '{"apiVersion": "v1", ');
    expect(() => loadStateDir(root)).toThrow(/^bad\.json: /);
    fs.writeFileSync(path.join(root, 'bad.json'), JSON.stringify([cmObject('ok'), 'text']));
    expect(() => loadStateDir(root)).toThrow('bad.json (document 2): not a Kubernetes object');
    fs.writeFileSync(
      path.join(root, 'bad.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }),
    );
    expect(() => loadStateDir(root)).toThrow(
      'bad.json (document 1): every object needs apiVersion, kind and metadata.name',
    );
  });

  it('names the file of bad YAML, and reads YAML 1.2 core scalars as before', () => {
    fs.writeFileSync(path.join(root, 'bad.yaml'), 'kind: [unclosed\n');
    expect(() => loadStateDir(root)).toThrow(/^bad\.yaml: /);
    fs.writeFileSync(
      path.join(root, 'bad.yaml'),
      `${cm('scalars')}data:\n  yes: on\n  octal: 0755\n  date: 2024-01-01\n`,
    );
    const [object] = loadStateDir(root).objects.map(o => o.object);
    // Core schema: "on" and "yes" stay strings, 0755 is a decimal number, dates stay strings.
    expect(object.data).toEqual({ yes: 'on', octal: 755, date: '2024-01-01' });
  });
});
