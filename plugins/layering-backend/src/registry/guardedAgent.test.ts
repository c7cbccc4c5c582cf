import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch, type Agent } from 'undici';
import { checkedLookup, createGuardedAgent } from './guardedAgent';

/*
 * Real sockets on loopback: 127.0.0.1 stands for an allowed (public) address
 * and 127.0.0.2 for a refused one, both listening on the same port, so a name
 * can "rebind" from one to the other between connections without any
 * traffic leaving the machine.
 */

class Refused extends Error {}

/** Waits until `check` holds, looking again on every turn of the event loop, for at most 10 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setImmediate(resolve));
  }
}

const check = (host: string, address?: string) =>
  (address ?? host) === '127.0.0.2'
    ? new Refused(`refused ${host} → ${address ?? 'as written'}`)
    : undefined;

interface LocalServer {
  server: Server;
  connections: number;
  paths: string[];
}

async function listen(
  host: string,
  port: number,
  name: string,
  keepAlive: () => boolean,
): Promise<LocalServer> {
  const local: LocalServer = {
    server: createServer((req, res) => {
      local.paths.push(req.url ?? '');
      res.writeHead(200, keepAlive() ? {} : { Connection: 'close' });
      res.end(name);
    }),
    connections: 0,
    paths: [],
  };
  local.server.on('connection', () => {
    local.connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    local.server.once('error', reject);
    local.server.listen(port, host, resolve);
  });
  return local;
}

async function cause(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(TypeError);
  return (error as { cause?: unknown }).cause;
}

describe('createGuardedAgent', () => {
  let allowed: LocalServer;
  let refused: LocalServer;
  let port = 0;
  let keepAlive = false;
  const agents: Agent[] = [];

  const agent = (lookup: (host: string) => Promise<string[]>) => {
    const created = createGuardedAgent({
      lookup,
      check,
      connectTimeoutMs: 2000,
    });
    agents.push(created);
    return created;
  };

  beforeAll(async () => {
    allowed = await listen('127.0.0.1', 0, 'allowed', () => keepAlive);
    port = (allowed.server.address() as AddressInfo).port;
    refused = await listen('127.0.0.2', port, 'refused', () => keepAlive);
  });

  afterAll(async () => {
    for (const local of [allowed, refused]) {
      local.server.closeAllConnections();
      await new Promise(resolve => local.server.close(resolve));
    }
  });

  beforeEach(() => {
    keepAlive = false;
    for (const local of [allowed, refused]) {
      local.connections = 0;
      local.paths = [];
    }
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map(a => a.close()));
  });

  it('judges the answer each connection uses, so a name rebinding to a refused address is refused', async () => {
    const answers = [['127.0.0.1'], ['127.0.0.2']];
    const asked: string[] = [];
    const dispatcher = agent(async host => {
      asked.push(host);
      return answers[Math.min(asked.length, answers.length) - 1];
    });
    const url = `http://rebind.example.test:${port}`;

    const first = await fetch(`${url}/first`, { dispatcher });
    expect(await first.text()).toBe('allowed');

    // The server closed that connection, so the next request opens another
    // one, resolves again and gets the rebound answer.
    const error = await cause(fetch(`${url}/second`, { dispatcher }));
    expect(error).toBeInstanceOf(Refused);
    expect((error as Error).message).toBe(
      'refused rebind.example.test → 127.0.0.2',
    );
    expect(asked).toEqual(['rebind.example.test', 'rebind.example.test']);
    expect(allowed.paths).toEqual(['/first']);
    expect(refused.connections).toBe(0);
  });

  it('refuses an answer when any of its addresses is refused', async () => {
    const dispatcher = agent(async () => ['127.0.0.1', '127.0.0.2']);
    const error = await cause(
      fetch(`http://mixed.example.test:${port}/`, { dispatcher }),
    );
    expect(error).toBeInstanceOf(Refused);
    expect(allowed.connections).toBe(0);
    expect(refused.connections).toBe(0);
  });

  it('judges addresses written in the URL without resolving them', async () => {
    const asked: string[] = [];
    const dispatcher = agent(async host => {
      asked.push(host);
      return ['127.0.0.1'];
    });
    const error = await cause(
      fetch(`http://127.0.0.2:${port}/`, { dispatcher }),
    );
    expect(error).toBeInstanceOf(Refused);
    expect((error as Error).message).toBe('refused 127.0.0.2 → as written');
    expect(refused.connections).toBe(0);

    const ok = await fetch(`http://127.0.0.1:${port}/literal`, { dispatcher });
    expect(await ok.text()).toBe('allowed');
    expect(asked).toEqual([]);
  });

  it('resolves once per connection: a kept-alive connection serves later requests', async () => {
    keepAlive = true;
    const asked: string[] = [];
    const dispatcher = agent(async host => {
      asked.push(host);
      return ['127.0.0.1'];
    });
    const origin = `http://kept.example.test:${port}`;
    for (const path of ['/a', '/b', '/c']) {
      const response = await fetch(`${origin}${path}`, { dispatcher });
      expect(await response.text()).toBe('allowed');
      // undici frees the connection a turn after the body ends; the next request reuses it then.
      await until(() => {
        const stats = dispatcher.stats[origin];
        return stats !== undefined && 'free' in stats && stats.free === 1;
      }, 'the connection back in the pool');
    }
    expect(allowed.paths).toEqual(['/a', '/b', '/c']);
    expect(allowed.connections).toBe(1);
    expect(asked).toEqual(['kept.example.test']);
  });

  it('passes lookup failures on as they are', async () => {
    const failure = new Error('no such host');
    const dispatcher = agent(async () => {
      throw failure;
    });
    await expect(
      cause(fetch(`http://missing.example.test:${port}/`, { dispatcher })),
    ).resolves.toBe(failure);
  });
});

describe('checkedLookup', () => {
  const call = (
    addresses: string[],
    options: { all?: boolean; family?: number },
  ) =>
    new Promise<{ error: unknown; address: unknown; family: unknown }>(
      resolve =>
        checkedLookup({ lookup: async () => addresses, check })(
          'name.example.test',
          options,
          (error, address, family) => resolve({ error, address, family }),
        ),
    );

  it('answers in the form net.connect asks for', async () => {
    await expect(call(['127.0.0.1', '::1'], { all: true })).resolves.toEqual({
      error: null,
      address: [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
      family: undefined,
    });
    await expect(call(['::1', '127.0.0.1'], {})).resolves.toEqual({
      error: null,
      address: '::1',
      family: 6,
    });
    await expect(call(['127.0.0.1', '::1'], { family: 6 })).resolves.toEqual({
      error: null,
      address: '::1',
      family: 6,
    });
  });

  it('refuses before answering, and reports answers without a usable address', async () => {
    const refusedAnswer = await call(['::1', '127.0.0.2'], { all: true });
    expect(refusedAnswer.error).toBeInstanceOf(Refused);
    const noIPv6 = await call(['127.0.0.1'], { family: 6 });
    expect(noIPv6.error).toMatchObject({ code: 'ENOTFOUND' });
    const notAnAddress = await call(['name.example.test'], { all: true });
    expect(notAnAddress.error).toMatchObject({ code: 'ENOTFOUND' });
  });
});
