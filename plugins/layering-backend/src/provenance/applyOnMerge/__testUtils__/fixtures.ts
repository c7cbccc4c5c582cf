import type { AuditorService } from '@backstage/backend-plugin-api';
import {
  buildMachineOSConfig,
  LAYERING_REQUEST_ANNOTATIONS,
} from '@rhcos-layering/plugin-layering-common';
import { withLayeringProvenance } from '@rhcos-layering/plugin-layering-node';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';

/** The GitHub API of the repository the requests' pull requests live in. */
export const REPO = 'https://api.github.com/repos/acme/fleet-config';
export const PR_URL = 'https://github.com/acme/fleet-config/pull/12';
export const COMMIT = '3f1c2b7a9d8e6f5a4b3c2d1e0f9a8b7c6d5e4f3a';
export const FILE = 'clusters/aom/infra/machineosconfig-infra.yaml';
export const CONTAINERFILE =
  'FROM configs AS final\nRUN dnf install -y tmux sysstat usbguard && \\\n    dnf clean all && \\\n    ostree container commit';

/**
 * The infra pool's MachineOSConfig as the render step makes it for request `requestId` (of task
 * `task-12`), with `annotations` added to its own and `extra` fields beside `metadata` and `spec`.
 */
export function renderedInfraLayer(
  requestId: string,
  options: {
    annotations?: Record<string, string>;
    extra?: Record<string, unknown>;
  } = {},
) {
  const object = buildMachineOSConfig(
    {
      pool: 'infra',
      renderedImagePushSpec:
        'registry.example.com/platform-os/infra-layered:latest',
      renderedImagePushSecret: 'infra-os-images-push',
      baseImagePullSecret: 'global-pull-secret-copy',
      currentImagePullSecret: null,
      containerFiles: [{ arch: 'NoArch', content: CONTAINERFILE }],
      annotations: {
        [LAYERING_REQUEST_ANNOTATIONS.templateRun]: 'task-12',
        ...options.annotations,
      },
    },
    'v1',
  ) as { metadata: { annotations?: Record<string, string> } };
  return { ...withLayeringProvenance(object, requestId), ...options.extra };
}

/**
 * GitHub answers for pull request 12, merged at COMMIT, whose manifest file is `manifest`;
 * answers the authorization header of each pull request read.
 */
export function mergedPull(server: SetupServer, manifest: string) {
  const seen: string[] = [];
  server.use(
    http.get(`${REPO}/pulls/12`, ({ request }) => {
      seen.push(request.headers.get('authorization') ?? '');
      return HttpResponse.json({
        number: 12,
        merged: true,
        merge_commit_sha: COMMIT,
      });
    }),
    http.get(`${REPO}/pulls/12/files`, () =>
      HttpResponse.json([
        { filename: FILE, status: 'modified' },
        { filename: 'clusters/aom/infra/SUMMARY.md', status: 'added' },
        { filename: 'clusters/aom/infra/old.yaml', status: 'removed' },
      ]),
    ),
    http.get(
      `${REPO}/contents/clusters/aom/infra/machineosconfig-infra.yaml`,
      ({ request }) =>
        new URL(request.url).searchParams.get('ref') === COMMIT &&
        request.headers.get('accept') === 'application/vnd.github.raw+json'
          ? new HttpResponse(manifest)
          : new HttpResponse('wrong ref', { status: 404 }),
    ),
  );
  return seen;
}

/** One auditor event as {@link recordingAuditor} keeps it. */
export interface AuditEntry {
  meta?: unknown;
  outcome?: string;
  error?: string;
}

/** An auditor that keeps every event and how it ended. */
export function recordingAuditor() {
  const events: AuditEntry[] = [];
  const auditor = {
    createEvent: async (options: { eventId: string; meta?: unknown }) => {
      const entry: AuditEntry = { meta: options.meta };
      events.push(entry);
      return {
        success: async () => {
          entry.outcome = 'success';
        },
        fail: async ({ error }: { error: Error }) => {
          entry.outcome = 'failure';
          entry.error = error.message;
        },
      };
    },
  } as unknown as AuditorService;
  return { auditor, events };
}
