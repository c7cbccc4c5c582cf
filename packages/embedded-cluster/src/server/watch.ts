import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InMemoryObjectStore } from '../store/ObjectStore';
import type { ResourceInfo } from '../store/resources';
import type { K8sObject, StoreEvent } from '../store/types';
import type { PrinterColumn } from '../schema/crds';
import { ApiError, statusBody } from './status';
import { buildTable } from './table';

/** Bytes a watch may have queued for a client that does not read before it is closed. */
const MAX_WATCH_BACKLOG = 256 * 1024 * 1024;

/** One watch request, resolved by the API server. */
export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  query: URLSearchParams;
  /** Whether events carry `meta.k8s.io/v1 Table` objects (kubectl `get -w`). */
  table: boolean;
  printerColumns?: PrinterColumn[];
  /** What this caller may see of an object (redaction). */
  present(object: K8sObject): K8sObject;
  /** Whether an object passes the request's namespace and selectors. */
  matches(object: K8sObject): boolean;
  /** Identifies callers that see objects alike (serialised lines are shared between them). */
  renderKey: string;
}

/**
 * The watch streams of an API server: chunked JSON lines of `{type, object}`, resumed from the
 * store's event history, with bookmarks, timeouts and slow-client protection.
 */
export class WatchHub {
  readonly #store: InMemoryObjectStore;
  readonly #bookmarkIntervalMs: number;
  readonly #log?: (message: string, meta?: Record<string, unknown>) => void;
  readonly #watches = new Set<() => void>();
  /** Watch event lines already serialised, per store event object and rendering (shared by watchers). */
  readonly #lineCache = new WeakMap<object, Map<string, Buffer>>();

  constructor(
    store: InMemoryObjectStore,
    options: {
      bookmarkIntervalMs?: number;
      log?: (message: string, meta?: Record<string, unknown>) => void;
    } = {},
  ) {
    this.#store = store;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 10_000;
    this.#log = options.log;
  }

  /** End every open watch stream. */
  closeAll(): void {
    for (const stop of [...this.#watches]) stop();
  }

  serve(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
    const {
      info,
      namespace,
      query: q,
      table,
      printerColumns,
      present,
      matches,
      renderKey: viewer,
    } = w;
    const store = this.#store;
    const bookmarks =
      q.get('allowWatchBookmarks') === 'true' ||
      q.get('allowWatchBookmarks') === '1';
    const rvParam = q.get('resourceVersion');
    const timeoutSeconds = q.get('timeoutSeconds')
      ? Number(q.get('timeoutSeconds'))
      : undefined;
    const apiVersion = store.servedApiVersion(info.resource);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const render = (o: K8sObject) =>
      table
        ? buildTable(info.resource, printerColumns, [present(o)], {
            includeObject: q.get('includeObject') ?? undefined,
            resourceVersion: String(o.metadata.resourceVersion),
          })
        : present(o);
    const send = (type: string, object: unknown) => {
      if (!res.writableEnded)
        res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const renderKey = `${viewer}|${table}|${q.get('includeObject') ?? ''}`;
    /** Send a store object; the serialised line is shared with every watcher rendering it alike. */
    const sendObject = (type: string, object: K8sObject) => {
      if (res.writableEnded) return;
      let lines = this.#lineCache.get(object);
      if (!lines) {
        lines = new Map();
        this.#lineCache.set(object, lines);
      }
      const k = `${type}|${renderKey}`;
      let line = lines.get(k);
      if (line === undefined) {
        // Encoded once: every watcher writes the same bytes.
        line = Buffer.from(
          `${JSON.stringify({ type, object: render(object) })}\n`,
        );
        lines.set(k, line);
      }
      res.write(line);
      if (res.writableLength > MAX_WATCH_BACKLOG) {
        // A client this far behind is dropped, as the real API server drops slow watchers;
        // it re-watches from its last resourceVersion.
        this.#log?.('Closing a watch whose client does not keep up', {
          resource: info.resource,
          backlogBytes: res.writableLength,
        });
        res.destroy();
      }
    };
    let lastRv = Number(store.currentResourceVersion());
    const onEvent = (event: StoreEvent) => {
      if (event.resource !== info.resource) return;
      lastRv = Number(event.object.metadata.resourceVersion);
      const now = matches(event.object);
      const before = event.old ? matches(event.old) : false;
      if (event.type === 'ADDED') {
        if (now) sendObject('ADDED', event.object);
      } else if (event.type === 'DELETED') {
        if (now || before) sendObject('DELETED', event.object);
      } else if (now && before) {
        sendObject('MODIFIED', event.object);
      } else if (now) {
        sendObject('ADDED', event.object);
      } else if (before) {
        sendObject('DELETED', event.object);
      }
    };
    const initialEvents = q.get('sendInitialEvents') === 'true';
    if (!rvParam || rvParam === '0' || initialEvents) {
      for (const o of store.peekList(info.resource, namespace)) {
        if (matches(o)) sendObject('ADDED', o);
      }
      if (initialEvents) {
        // Watch-list: the end of the initial state is marked by an annotated bookmark.
        send('BOOKMARK', {
          kind: info.kind,
          apiVersion,
          metadata: {
            resourceVersion: store.currentResourceVersion(),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        });
      }
    } else {
      const rv = Number(rvParam);
      const history = Number.isFinite(rv) ? store.eventsSince(rv) : 'expired';
      if (history === 'expired') {
        send(
          'ERROR',
          statusBody(
            new ApiError(
              410,
              'Expired',
              `too old resource version: ${rvParam} (${store.currentResourceVersion()})`,
            ),
          ),
        );
        res.end();
        return;
      }
      for (const entry of history) onEvent(entry.event);
    }
    const unsubscribe = store.subscribe(onEvent);
    const bookmark = () =>
      send('BOOKMARK', {
        kind: info.kind,
        apiVersion,
        metadata: { resourceVersion: String(lastRv) },
      });
    if (bookmarks) bookmark();
    const timers: NodeJS.Timeout[] = [];
    if (bookmarks) timers.push(setInterval(bookmark, this.#bookmarkIntervalMs));
    const stop = () => {
      unsubscribe();
      for (const t of timers) clearInterval(t);
      this.#watches.delete(stop);
      if (!res.writableEnded) res.end();
    };
    if (
      timeoutSeconds !== undefined &&
      Number.isFinite(timeoutSeconds) &&
      timeoutSeconds > 0
    ) {
      timers.push(setTimeout(stop, timeoutSeconds * 1000));
    }
    this.#watches.add(stop);
    req.on('close', stop);
    res.on('close', stop);
  }
}
