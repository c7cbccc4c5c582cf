import ts from 'typescript';

/**
 * Every key path the `Config` interface of a config.d.ts declares (leaves and inner objects), as
 * dotted paths: `<name>` for a map key (an index signature), `[]` for the elements of an array.
 */
export function configKeyPaths(source: string, fileName = 'config.d.ts'): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const walkType = (type: ts.TypeNode | undefined, prefix: string): void => {
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
  };
  const walkMembers = (members: ts.NodeArray<ts.TypeElement>, prefix: string): void => {
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
  };
  sf.forEachChild(node => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Config') {
      walkMembers(node.members, '');
    }
  });
  return [...new Set(out)];
}
