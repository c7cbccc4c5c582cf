import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port of 127.0.0.1 that was free a moment ago (for a child process to listen on). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/**
 * Stops a child started with `detached: true` and everything it started: SIGTERM to its process
 * group, then, once the child has exited or `graceMs` has passed, SIGKILL to whatever of the
 * group is left.
 */
export async function stopProcessGroup(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  const pid = child?.pid;
  if (!child || !pid) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  const running = child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>(resolve => {
    if (!running) resolve();
    else child.once('exit', () => resolve());
  });
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>(resolve => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  signal('SIGKILL');
}
