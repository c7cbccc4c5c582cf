/*
 * A proxy in front of one embedded API server that counts the watch requests open through it,
 * so the benchmark counts watch connections where the API server sees them.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WatchCountingProxy {
  url: string;
  /** Watch requests open now. */
  open: number;
  /** Watch requests opened since the start. */
  opened: number;
  close(): Promise<void>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export async function startWatchCountingProxy(target: string): Promise<WatchCountingProxy> {
  const base = new URL(target);
  const counter = { open: 0, opened: 0 } as WatchCountingProxy;
  const server = http.createServer((req, res) => {
    let counted = /[?&]watch=(true|1)(&|$)/.test(req.url ?? '');
    if (counted) {
      counter.open += 1;
      counter.opened += 1;
    }
    const done = () => {
      if (counted) counter.open -= 1;
      counted = false;
    };
    const upstream = http.request(
      { host: base.hostname, port: base.port, method: req.method, path: req.url, headers: req.headers, agent },
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
  counter.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  counter.close = () =>
    new Promise(done => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return counter;
}
