// Loaded into the portal's backend process only by scripts/start.sh, and only when scripts/e2e.sh
// set LAYERING_E2E_FORGE_DIR (`backstage-cli repo start --require`, which applies to the backend
// package alone; the CLI's TypeScript hook is registered before this file is required).
//
// msw answers the GitHub API calls of the pull-request templates (publish:github:pull-request,
// github:issues:label) from the same in-memory repository the template tests use, and every other
// request of the backend (clusters, catalog, auth) passes through untouched. After each answered
// call the repository's pull requests and their files are written to
// $LAYERING_E2E_FORGE_DIR/github.json for the end-to-end tests to read.
import { mkdirSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import { setupServer } from 'msw/node';
// The template tests' fake; imported by path because that package's entry point also loads
// their test backend, which has no place in the portal's process.
import { FakeGitHub } from '../../packages/layering-templates-tests/src/FakeGitHub';
import { FAKE_FORGE, type FakeForgeState } from './fakeForge';

function start(dir: string) {
  mkdirSync(dir, { recursive: true });
  const github = new FakeGitHub({
    owner: FAKE_FORGE.owner,
    repo: FAKE_FORGE.repo,
  });
  const stateFile = join(dir, FAKE_FORGE.stateFile);

  const save = () => {
    const state: FakeForgeState = {
      repository: `${FAKE_FORGE.owner}/${FAKE_FORGE.repo}`,
      pulls: github.pulls.map(pr => ({
        number: pr.number,
        title: pr.title,
        body: pr.body,
        head: pr.head,
        base: pr.base,
        url: `https://${FAKE_FORGE.host}/${FAKE_FORGE.owner}/${FAKE_FORGE.repo}/pull/${pr.number}`,
        labels: pr.labels,
        files: github.files(pr.head),
      })),
      calls: github.calls,
    };
    // Written whole and renamed, so a reader never sees half a file.
    const temporary = `${stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state, null, 2));
    renameSync(temporary, stateFile);
  };

  const server = setupServer(...github.handlers());
  server.listen({
    onUnhandledRequest(request, print) {
      // Nothing meant for GitHub may slip past the fake (this network has no way out anyway).
      if (/(^|\.)github\.com$/i.test(new URL(request.url).hostname)) {
        print.error();
      }
    },
  });
  server.events.on('response:mocked', save);
  save();
  process.stderr.write(
    `[e2e] fake GitHub ${FAKE_FORGE.owner}/${FAKE_FORGE.repo} answers in this backend; state in ${stateFile}\n`,
  );
}

const forgeDir = process.env.LAYERING_E2E_FORGE_DIR;
if (forgeDir) {
  start(forgeDir);
}
