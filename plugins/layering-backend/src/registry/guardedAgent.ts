import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';

/**
 * Judges one destination of a connection.
 *
 * @param host - the host the connection was asked for (an address or a name)
 * @param address - an address `host` resolved to; undefined when judging
 *   `host` as written, before any lookup
 * @returns the error that refuses the connection, or undefined to allow it
 */
export type DestinationCheck = (
  host: string,
  address?: string,
) => Error | undefined;

/** Options of {@link createGuardedAgent}. */
export interface GuardedAgentOptions {
  /**
   * Resolves a host name to its addresses. Its errors fail the connection as
   * they are, and so does an empty answer.
   */
  lookup: (host: string) => Promise<string[]>;
  check: DestinationCheck;
  /** Time limit of establishing one connection, in milliseconds. */
  connectTimeoutMs: number;
}

/**
 * Adapts `lookup` to the resolver callback `net.connect` calls, judging every
 * address before the socket may use any of them.
 */
export function checkedLookup({
  lookup,
  check,
}: Pick<GuardedAgentOptions, 'lookup' | 'check'>): LookupFunction {
  return (hostname, options, callback) => {
    const answer = async () => {
      const addresses = await lookup(hostname);
      for (const address of addresses) {
        const refusal = check(hostname, address);
        if (refusal) throw refusal;
      }
      let wanted = 0;
      if (options.family === 4 || options.family === 'IPv4') wanted = 4;
      if (options.family === 6 || options.family === 'IPv6') wanted = 6;
      const entries = addresses
        .map(address => ({ address, family: isIP(address) }))
        .filter(e => e.family !== 0 && (!wanted || e.family === wanted));
      if (!entries.length) {
        throw Object.assign(
          new Error(
            `${hostname} has no usable address${
              wanted ? ` of IPv${wanted}` : ''
            }.`,
          ),
          { code: 'ENOTFOUND' },
        );
      }
      return entries;
    };
    answer().then(
      entries => {
        if (options.all) callback(null, entries);
        else callback(null, entries[0].address, entries[0].family);
      },
      error => callback(error, ''),
    );
  };
}

/**
 * An undici dispatcher that judges the address of every connection it opens,
 * at the moment it opens it.
 *
 * @remarks
 * A host written as an address is judged as is; a name is resolved once per
 * connection by `lookup`, every answer is judged, and the socket connects to
 * those same answers (Node's `net.connect` uses the resolver it is given and
 * resolves nothing else). A name whose DNS answer changes between a check
 * and the connection (DNS rebinding) therefore cannot slip through: there is
 * no separate check. A kept-alive connection serves later requests to its
 * own origin without a new lookup: it was judged when it opened. Refusals
 * fail the request with the error `check` returned, as the `cause` of
 * fetch's `TypeError`.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const connectChecked = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: checkedLookup(options),
  });
  return new Agent({
    connect: (connectOptions, callback) => {
      const refusal = options.check(connectOptions.hostname);
      if (refusal) {
        // Asynchronously, as a real connection failure would be reported.
        queueMicrotask(() => callback(refusal, null));
        return;
      }
      connectChecked(connectOptions, callback);
    },
  });
}
