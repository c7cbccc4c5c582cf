import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A plain HTTP proxy in front of one API server that counts the watch requests passing through
 * it, so a test or a benchmark can tell how many watches a client holds on that server.
 *
 * @public
 */
export interface WatchCountingProxy {
  /** Base URL of the proxy (plain HTTP on 127.0.0.1); use it in place of the server's URL. */
  readonly url: string;
  /** Watch requests open through the proxy now. */
  readonly open: number;
  /** Watch requests opened through the proxy since it started. */
  readonly opened: number;
  /** Ends every connection through the proxy and stops listening. */
  close(): Promise<void>;
}

const WATCH_QUERY = /[?&]watch=(true|1)(&|$)/;

/**
 * Starts a {@link WatchCountingProxy} in front of `target` (the `url` of an embedded cluster, or
 * any plain HTTP API server). Every request is passed on unchanged, headers included; a request
 * with `watch=true` (or `watch=1`) counts as open until either side closes it.
 *
 * @public
 */
export async function startWatchCountingProxy(
  target: string,
  options: {
    /** Agent for the upstream requests (default: a keep-alive agent of the proxy's own). */
    agent?: http.Agent;
  } = {},
): Promise<WatchCountingProxy> {
  const base = new URL(target);
  const agent = options.agent ?? new http.Agent({ keepAlive: true });
  let open = 0;
  let opened = 0;
  const server = http.createServer((req, res) => {
    let counted = WATCH_QUERY.test(req.url ?? '');
    if (counted) {
      open += 1;
      opened += 1;
    }
    const done = () => {
      if (counted) open -= 1;
      counted = false;
    };
    const upstream = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('close', done);
      },
    );
    upstream.on('error', () => {
      done();
      res.destroy();
    });
    res.on('close', () => {
      done();
      upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>(ready => server.listen(0, '127.0.0.1', ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get open() {
      return open;
    },
    get opened() {
      return opened;
    },
    close: () =>
      new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => {
          if (!options.agent) agent.destroy();
          done();
        });
      }),
  };
}
