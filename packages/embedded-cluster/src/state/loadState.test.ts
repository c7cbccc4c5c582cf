import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
