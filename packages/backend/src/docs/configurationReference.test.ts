import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * docs/CONFIGURATION.md must name every key that a config.d.ts of the suite declares, and name
 * no `layering.*` key that none declares, so the reference and the schemas cannot drift apart.
 * Keys are written as dotted paths; `<name>` stands for a map key (an index signature) and `[]`
 * for the elements of an array, e.g. `layering.clusters.options.<cluster>.registries[].host`.
 */
const repoRoot = path.resolve(__dirname, '../../../..');
const reference = path.join(repoRoot, 'docs/CONFIGURATION.md');

function schemaFiles(): string[] {
  const files: string[] = [];
  for (const dir of ['plugins', 'packages']) {
    for (const pkg of fs.readdirSync(path.join(repoRoot, dir))) {
      const file = path.join(repoRoot, dir, pkg, 'config.d.ts');
      if (fs.existsSync(file)) files.push(file);
    }
  }
  return files;
}

/**
 * Every key path the `Config` interface of a config.d.ts declares (leaves and inner objects), as
 * dotted paths: `<name>` for a map key (an index signature), `[]` for the elements of an array.
 */
function configKeyPaths(source: string, fileName = 'config.d.ts'): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  function walkType(type: ts.TypeNode | undefined, prefix: string): void {
    if (!type) return;
    if (ts.isParenthesizedTypeNode(type)) {
      walkType(type.type, prefix);
    } else if (ts.isUnionTypeNode(type)) {
      type.types.forEach(t => walkType(t, prefix));
    } else if (ts.isArrayTypeNode(type)) {
      walkType(type.elementType, `${prefix}[]`);
    } else if (
      ts.isTypeReferenceNode(type) &&
      type.typeName.getText(sf) === 'Array' &&
      type.typeArguments?.length === 1
    ) {
      walkType(type.typeArguments[0], `${prefix}[]`);
    } else if (ts.isTypeLiteralNode(type)) {
      walkMembers(type.members, prefix);
    }
  }
  function walkMembers(members: ts.NodeArray<ts.TypeElement>, prefix: string): void {
    for (const member of members) {
      if (ts.isPropertySignature(member)) {
        const name = member.name.getText(sf).replace(/^['"]|['"]$/g, '');
        const key = prefix ? `${prefix}.${name}` : name;
        out.push(key);
        walkType(member.type, key);
      } else if (ts.isIndexSignatureDeclaration(member)) {
        const key = `${prefix}.<${member.parameters[0].name.getText(sf)}>`;
        walkType(member.type, key);
      }
    }
  }
  sf.forEachChild(node => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Config') {
      walkMembers(node.members, '');
    }
  });
  return [...new Set(out)];
}

describe('docs/CONFIGURATION.md', () => {
  const text = fs.readFileSync(reference, 'utf8');
  // The first column of the reference's tables.
  const documented = new Set([...text.matchAll(/^\| `(layering\.[^`\s]+)` \|/gm)].map(m => m[1]));
  const declared = new Map<string, string>();
  for (const file of schemaFiles()) {
    for (const key of configKeyPaths(fs.readFileSync(file, 'utf8'), file)) {
      if (key.startsWith('layering.')) declared.set(key, path.relative(repoRoot, file));
    }
  }

  it('reads keys from the schemas, maps and arrays included', () => {
    const keys = configKeyPaths(
      'export interface Config { a?: { b?: Array<{ c: string }>; m?: { [cluster: string]: { d?: boolean } } } }',
    );
    expect(keys).toEqual(['a', 'a.b', 'a.b[].c', 'a.m', 'a.m.<cluster>.d']);
    expect(declared.size).toBeGreaterThan(20);
  });

  it('documents every key a config.d.ts declares', () => {
    const missing = [...declared].filter(([key]) => !documented.has(key)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
  });

  it('documents no key that no config.d.ts declares', () => {
    const stale = [...documented].filter(key => !declared.has(key));
    expect(stale).toEqual([]);
  });
});
