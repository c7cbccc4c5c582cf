import type { PrinterColumn } from '../schema/crds';
import type { K8sObject, ResourceName } from '../store/types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A column of a `meta.k8s.io/v1 Table`. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/**
 * Age as kubectl prints it (`45s`, `5m3s`, `3h`, `6d20h`, `2y30d`).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10)
    return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8)
    return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0
      ? `${Math.floor(hours / 24)}d`
      : `${Math.floor(hours / 24)}d${hours % 24}h`;
  const days = Math.floor(hours / 24);
  if (days < 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (days < 365 * 8)
    return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

function age(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** Split a CRD printer-column JSONPath into steps. */
function parseJsonPath(path: string): string[] {
  const steps: string[] = [];
  let i = 0;
  let current = '';
  const flush = () => {
    if (current) steps.push(current);
    current = '';
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '\\' && i + 1 < path.length) {
      current += path[i + 1];
      i += 2;
      continue;
    }
    if (ch === '.') {
      flush();
      i++;
      continue;
    }
    if (ch === '[') {
      flush();
      const end = path.indexOf(']', i);
      steps.push(path.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    current += ch;
    i++;
  }
  flush();
  return steps;
}

/** Evaluate a printer-column JSONPath; returns every match. */
export function evaluateJsonPath(object: unknown, path: string): unknown[] {
  let current: unknown[] = [object];
  for (const step of parseJsonPath(path.replace(/^\{|\}$/g, ''))) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.startsWith('[')) {
        const inner = step.slice(1, -1);
        const filter = /^\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)$/.exec(
          inner,
        );
        if (!Array.isArray(value)) continue;
        if (filter) {
          for (const item of value) {
            const got = filter[1]
              .split('.')
              .reduce<unknown>(
                (acc, k) => (isObj(acc) ? acc[k] : undefined),
                item,
              );
            if (String(got) === filter[2] && got !== undefined) next.push(item);
          }
        } else if (inner === '*') {
          next.push(...value);
        } else if (/^-?\d+$/.test(inner)) {
          const n = Number(inner);
          const item = value[n < 0 ? value.length + n : n];
          if (item !== undefined) next.push(item);
        }
      } else if (isObj(value) && value[step] !== undefined) {
        next.push(value[step]);
      }
    }
    current = next;
  }
  return current;
}

const NAME_COLUMN: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
};

const col = (
  name: string,
  type = 'string',
  priority = 0,
  description = '',
): TableColumn => ({
  name,
  type,
  format: '',
  description,
  priority,
});

interface Printer {
  columns: TableColumn[];
  cells(object: K8sObject, now: number): unknown[];
}

function nodeStatus(o: K8sObject): string {
  const conditions = ((o.status as Obj | undefined)?.conditions ?? []) as Obj[];
  const ready = conditions.find(c => c.type === 'Ready');
  const readiness: Record<string, string> = {
    True: 'Ready',
    False: 'NotReady',
  };
  const states = [readiness[String(ready?.status)] ?? 'Unknown'];
  if ((o.spec as Obj | undefined)?.unschedulable)
    states.push('SchedulingDisabled');
  return states.join(',');
}

function nodeRoles(o: K8sObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter(k => k.startsWith('node-role.kubernetes.io/'))
    .map(k => k.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean)
    .sort();
  return roles.length > 0 ? roles.join(',') : '<none>';
}

function address(o: K8sObject, type: string): string {
  const list = ((o.status as Obj | undefined)?.addresses ?? []) as Obj[];
  return String(list.find(a => a.type === type)?.address ?? '<none>');
}

const nodeInfo = (o: K8sObject, key: string) =>
  String(
    ((o.status as Obj | undefined)?.nodeInfo as Obj | undefined)?.[key] ??
      '<unknown>',
  );

const CORE_PRINTERS: Partial<Record<ResourceName, Printer>> = {
  nodes: {
    columns: [
      NAME_COLUMN,
      col('Status', 'string', 0, 'The status of the node'),
      col('Roles', 'string', 0, 'The roles of the node'),
      col(
        'Age',
        'string',
        0,
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
      col('Version', 'string', 0, 'Kubelet Version reported by the node.'),
      col(
        'Internal-IP',
        'string',
        1,
        'List of addresses reachable to the node. Queried from cloud provider, if available.',
      ),
      col(
        'External-IP',
        'string',
        1,
        'List of addresses reachable to the node. Queried from cloud provider, if available.',
      ),
      col(
        'OS-Image',
        'string',
        1,
        'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      ),
      col(
        'Kernel-Version',
        'string',
        1,
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      ),
      col(
        'Container-Runtime',
        'string',
        1,
        'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      ),
    ],
    cells: (o, now) => [
      o.metadata.name,
      nodeStatus(o),
      nodeRoles(o),
      age(o.metadata.creationTimestamp, now),
      nodeInfo(o, 'kubeletVersion'),
      address(o, 'InternalIP'),
      address(o, 'ExternalIP'),
      nodeInfo(o, 'osImage'),
      nodeInfo(o, 'kernelVersion'),
      nodeInfo(o, 'containerRuntimeVersion'),
    ],
  },
  namespaces: {
    columns: [
      NAME_COLUMN,
      col('Status', 'string', 0, 'The status of the namespace'),
      col('Age'),
    ],
    cells: (o, now) => [
      o.metadata.name,
      String((o.status as Obj | undefined)?.phase ?? 'Active'),
      age(o.metadata.creationTimestamp, now),
    ],
  },
  configmaps: {
    columns: [NAME_COLUMN, col('Data', 'string'), col('Age')],
    cells: (o, now) => [
      o.metadata.name,
      Object.keys((o.data as Obj | undefined) ?? {}).length +
        Object.keys((o.binaryData as Obj | undefined) ?? {}).length,
      age(o.metadata.creationTimestamp, now),
    ],
  },
  secrets: {
    columns: [NAME_COLUMN, col('Type'), col('Data', 'string'), col('Age')],
    cells: (o, now) => [
      o.metadata.name,
      String(o.type ?? 'Opaque'),
      Object.keys((o.data as Obj | undefined) ?? {}).length,
      age(o.metadata.creationTimestamp, now),
    ],
  },
  pods: {
    columns: [
      NAME_COLUMN,
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      col('Age'),
    ],
    cells: (o, now) => {
      const statuses = ((o.status as Obj | undefined)?.containerStatuses ??
        []) as Obj[];
      const containers = ((o.spec as Obj | undefined)?.containers ??
        []) as Obj[];
      return [
        o.metadata.name,
        `${statuses.filter(s => s.ready).length}/${containers.length}`,
        String((o.status as Obj | undefined)?.phase ?? 'Unknown'),
        String(statuses.reduce((n, s) => n + Number(s.restartCount ?? 0), 0)),
        age(o.metadata.creationTimestamp, now),
      ];
    },
  },
};

function crdPrinter(columns: PrinterColumn[]): Printer {
  if (columns.length === 0) {
    return {
      columns: [
        NAME_COLUMN,
        col(
          'Age',
          'date',
          0,
          'CreationTimestamp is a timestamp representing the server time when this object was created.',
        ),
      ],
      cells: (o, now) => [
        o.metadata.name,
        age(o.metadata.creationTimestamp, now),
      ],
    };
  }
  return {
    columns: [
      NAME_COLUMN,
      ...columns.map(c => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    cells: (o, now) => [
      o.metadata.name,
      ...columns.map(c => {
        const found = evaluateJsonPath(o, c.jsonPath);
        if (found.length === 0) return null;
        const value = found[0];
        if (c.type === 'date') return age(value, now);
        if (typeof value === 'object') return JSON.stringify(value);
        return value;
      }),
    ],
  };
}

/** Build a `meta.k8s.io/v1 Table` of objects. */
export function buildTable(
  resource: ResourceName,
  printerColumns: PrinterColumn[] | undefined,
  objects: K8sObject[],
  options: {
    includeObject?: string;
    resourceVersion: string;
    continueToken?: string;
    remaining?: number;
  },
): Obj {
  const printer = CORE_PRINTERS[resource] ?? crdPrinter(printerColumns ?? []);
  const now = Date.now();
  const include = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: options.resourceVersion,
      ...(options.continueToken ? { continue: options.continueToken } : {}),
      ...(options.remaining !== undefined
        ? { remainingItemCount: options.remaining }
        : {}),
    },
    columnDefinitions: printer.columns,
    rows: objects.map(o => ({
      cells: printer.cells(o, now),
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object'
                ? o
                : {
                    kind: 'PartialObjectMetadata',
                    apiVersion: 'meta.k8s.io/v1',
                    metadata: o.metadata,
                  },
          }),
    })),
  };
}
