import { setupServer } from 'msw/node';
import type { FakeGitHub } from './FakeGitHub';
import type { FakeGitLab } from './FakeGitLab';

/** The msw server that stands in for the forges; `close()` it after the tests. */
export type ForgeServer = ReturnType<typeof setupServer>;

/**
 * msw standing in for GitHub and GitLab. Requests to this machine (the test backend, the
 * embedded cluster) pass through; any other request the fakes do not answer fails the test run
 * loudly instead of reaching the network.
 */
export function startForges(
  ...fakes: Array<FakeGitHub | FakeGitLab>
): ForgeServer {
  const server = setupServer(...fakes.flatMap(fake => fake.handlers()));
  server.listen({
    onUnhandledRequest(request, print) {
      const host = new URL(request.url).hostname;
      if (host === '127.0.0.1' || host === 'localhost' || host === '::1') {
        return;
      }
      print.error();
    },
  });
  return server;
}
