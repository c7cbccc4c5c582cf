import { readFileSync } from 'fs';
import { join } from 'path';

/**
 * The fake GitHub of the end-to-end portal: scripts/e2e.sh sets `LAYERING_E2E_FORGE_DIR`, and
 * scripts/start.sh then loads `fakeForge.preload.ts` into the backend process, where msw answers
 * the GitHub API calls of the pull-request templates from an in-memory repository. The preload
 * writes the repository's pull requests and their files to `github.json` in that folder after
 * every call it answered, so the tests (another process) can read them back.
 */
export const FAKE_FORGE = {
  host: 'github.com',
  owner: 'platform',
  repo: 'cluster-gitops',
  /** The state file's name in `LAYERING_E2E_FORGE_DIR`. */
  stateFile: 'github.json',
} as const;

/** A pull request of the fake GitHub as the preload writes it down. */
export interface FakeForgePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  /** The pull request's page, as GitHub would give it. */
  url: string;
  labels: string[];
  /** The files of the head branch, path to content. */
  files: Record<string, string>;
}

/** What the preload writes after every answered call. */
export interface FakeForgeState {
  repository: string;
  pulls: FakeForgePull[];
  /** Every call the fake answered, as `METHOD path`. */
  calls: string[];
}

/** The folder the fake forge writes to, from the environment scripts/e2e.sh sets up. */
export function fakeForgeDir(): string | undefined {
  return process.env.LAYERING_E2E_FORGE_DIR || undefined;
}

/** Reads what the fake forge wrote last; undefined before its first answer. */
export function readFakeForge(dir: string): FakeForgeState | undefined {
  try {
    return JSON.parse(
      readFileSync(join(dir, FAKE_FORGE.stateFile), 'utf8'),
    ) as FakeForgeState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
