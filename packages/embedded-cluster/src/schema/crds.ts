import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A structural schema node of a CRD (the subset of OpenAPI v3 Kubernetes allows).
 *
 * @public
 */
export interface JSONSchemaProps {
  type?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: Array<{
    rule: string;
    message?: string;
    messageExpression?: string;
    reason?: string;
    fieldPath?: string;
    optionalOldSelf?: boolean;
  }>;
  [key: string]: unknown;
}

/**
 * A printer column of a CRD version.
 *
 * @public
 */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/**
 * One served version of a CRD.
 *
 * @public
 */
export interface CrdVersion {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames: string[];
  schema: JSONSchemaProps;
  printerColumns: PrinterColumn[];
  statusSubresource: boolean;
}

/** Folder holding the CRD manifests shipped with the package (`crds/`, next to package.json). */
export function crdDir(): string {
  return path.join(
    path.dirname(require.resolve('@rhcos-layering/embedded-openshift/package.json')),
    'crds',
  );
}

interface CrdManifest {
  kind?: string;
  spec?: {
    group: string;
    names: {
      kind: string;
      plural: string;
      singular?: string;
      listKind?: string;
      shortNames?: string[];
    };
    versions: Array<{
      name: string;
      served?: boolean;
      schema?: { openAPIV3Schema?: JSONSchemaProps };
      additionalPrinterColumns?: PrinterColumn[];
      subresources?: { status?: object };
    }>;
  };
}

/**
 * Read every CRD manifest of a folder. Returns one entry per (group, version, kind).
 */
export function loadCrds(dir: string = crdDir()): CrdVersion[] {
  const out: CrdVersion[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS() as CrdManifest | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const { group, names } = crd.spec;
      for (const v of crd.spec.versions) {
        if (v.served === false || !v.schema?.openAPIV3Schema) continue;
        out.push({
          group,
          version: v.name,
          kind: names.kind,
          plural: names.plural,
          singular: names.singular ?? names.kind.toLowerCase(),
          listKind: names.listKind ?? `${names.kind}List`,
          shortNames: names.shortNames ?? [],
          schema: v.schema.openAPIV3Schema,
          printerColumns: v.additionalPrinterColumns ?? [],
          statusSubresource: Boolean(v.subresources?.status),
        });
      }
    }
  }
  return out;
}
