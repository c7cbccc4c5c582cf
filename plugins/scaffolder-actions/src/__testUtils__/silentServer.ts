import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server that takes every request and never answers it. */
export interface SilentServer {
  /** `host:port` of the server. */
  host: string;
  /** `METHOD url` of each request received, in order. */
  seen: string[];
  /** `METHOD url` of each request whose connection the client closed. */
  closed: string[];
  close(): Promise<void>;
}

/** Starts a {@link SilentServer} on a free port of 127.0.0.1, for time-limit and cancel tests. */
export async function startSilentServer(): Promise<SilentServer> {
  const seen: string[] = [];
  const closed: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.on('close', () => closed.push(`${req.method} ${req.url}`));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    closed,
    close: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(() => resolve()));
    },
  };
}

/** Resolves once `check` holds, looking again on every turn of the event loop (no fixed sleeps). */
export function until(check: () => boolean): Promise<void> {
  return new Promise(resolve => {
    const poll = () => (check() ? resolve() : setImmediate(poll));
    poll();
  });
}
