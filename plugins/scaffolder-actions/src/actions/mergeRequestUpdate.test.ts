import { promises as fs } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { createMergeRequestUpdateAction } from './mergeRequestUpdate';
import { createTestContext, outputsOf } from '../__testUtils__/context';
import {
  BRANCH,
  PROJECT,
  gitlabActionOptions,
  mergeRequest,
  repoUrl,
  useGitLabServer,
} from '../__testUtils__/gitlab';

const server = useGitLabServer();
const options = gitlabActionOptions;
const mr = mergeRequest;

describe('layering:merge-request:update', () => {
  it('replaces the title and description and adds the labels', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.put(`${PROJECT}/merge_requests/7`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ ...mr(7, BRANCH), title: 'New title' });
      }),
    );
    const { ctx, output } = await createTestContext({
      repoUrl,
      mergeRequestIid: 7,
      title: 'New title',
      description: '## New summary',
      labels: ['layering', 'pool/infra'],
    });
    await createMergeRequestUpdateAction(options()).handler(ctx);
    expect(bodies).toEqual([
      {
        title: 'New title',
        description: '## New summary',
        add_labels: 'layering,pool/infra',
      },
    ]);
    expect(outputsOf(output)).toEqual({
      mergeRequestUrl:
        'https://gitlab.example.com/platform/cluster-gitops/-/merge_requests/7',
    });
  });

  it('with pruneUnder, deletes from the branch only the files an earlier run added and this run no longer renders', async () => {
    const dir = 'clusters/ocp-418/pools/infra';
    const trees: Record<string, string[]> = {
      [BRANCH]: [
        `${dir}/machineosconfig-infra.yaml`,
        `${dir}/machineconfigpool-infra.yaml`,
        `${dir}/README.md`,
      ],
      main: [`${dir}/README.md`],
    };
    const commits: unknown[] = [];
    server.use(
      http.get(`${PROJECT}/repository/branches/:branch`, ({ params }) =>
        trees[params.branch as string]
          ? HttpResponse.json({ name: params.branch })
          : HttpResponse.json({ message: '404 Branch Not Found' }, { status: 404 }),
      ),
      http.get(`${PROJECT}/repository/tree`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        expect(query.get('path')).toBe(dir);
        return HttpResponse.json(
          (trees[query.get('ref')!] ?? []).map(p => ({
            path: p,
            type: 'blob',
          })),
        );
      }),
      http.post(`${PROJECT}/repository/commits`, async ({ request }) => {
        commits.push(await request.json());
        return HttpResponse.json({ id: 'c1' }, { status: 201 });
      }),
      http.put(`${PROJECT}/merge_requests/7`, () =>
        HttpResponse.json(mr(7, BRANCH)),
      ),
    );
    const { ctx, output, workspacePath } = await createTestContext({
      repoUrl,
      mergeRequestIid: 7,
      title: 't',
      description: 'd',
      pruneUnder: dir,
      branchName: BRANCH,
      targetBranchName: 'main',
    });
    await fs.mkdir(path.join(workspacePath, dir), { recursive: true });
    await fs.writeFile(
      path.join(workspacePath, dir, 'machineosconfig-infra.yaml'),
      'kind: MachineOSConfig\n',
    );

    await createMergeRequestUpdateAction(options()).handler(ctx);

    expect(commits).toEqual([
      {
        branch: BRANCH,
        commit_message: 'layering: remove what the request no longer changes',
        actions: [
          {
            action: 'delete',
            file_path: `${dir}/machineconfigpool-infra.yaml`,
          },
        ],
      },
    ]);
    expect(outputsOf(output).removedFiles).toEqual([
      `${dir}/machineconfigpool-infra.yaml`,
    ]);
  });

  it('prunes nothing and updates nothing when the target branch does not exist', async () => {
    const dir = 'clusters/ocp-418/pools/infra';
    const writes: string[] = [];
    server.use(
      http.get(`${PROJECT}/repository/branches/:branch`, ({ params }) =>
        params.branch === BRANCH
          ? HttpResponse.json({ name: BRANCH })
          : HttpResponse.json({ message: '404 Branch Not Found' }, { status: 404 }),
      ),
      // What GitLab answers for the tree of a missing ref: the same 404 as for a missing path.
      http.get(`${PROJECT}/repository/tree`, ({ request }) => {
        const ref = new URL(request.url).searchParams.get('ref');
        return ref === BRANCH
          ? HttpResponse.json([{ path: `${dir}/machineconfigpool-infra.yaml`, type: 'blob' }])
          : HttpResponse.json({ message: '404 Tree Not Found' }, { status: 404 });
      }),
      http.post(`${PROJECT}/repository/commits`, () => {
        writes.push('commit');
        return HttpResponse.json({ id: 'c1' }, { status: 201 });
      }),
      http.put(`${PROJECT}/merge_requests/7`, () => {
        writes.push('update');
        return HttpResponse.json(mr(7, BRANCH));
      }),
    );
    const { ctx, output } = await createTestContext({
      repoUrl,
      mergeRequestIid: 7,
      title: 't',
      description: 'd',
      pruneUnder: dir,
      branchName: BRANCH,
      targetBranchName: 'mian',
    });

    await expect(
      createMergeRequestUpdateAction(options()).handler(ctx),
    ).rejects.toThrow(
      'targetBranchName: branch "mian" does not exist in the project; nothing was pruned',
    );
    expect(writes).toEqual([]);
    expect(outputsOf(output).removedFiles).toBeUndefined();
  });

  it('refuses pruneUnder without the branches, and paths that leave the repository', async () => {
    const noBranch = await createTestContext({
      repoUrl,
      mergeRequestIid: 7,
      title: 't',
      description: 'd',
      pruneUnder: 'clusters/a',
    });
    await expect(
      createMergeRequestUpdateAction(options()).handler(noBranch.ctx),
    ).rejects.toThrow(
      'branchName: pruneUnder needs the branchName and the targetBranchName of the merge request',
    );
    const action = createMergeRequestUpdateAction(options());
    const schema = action.schema!.input as {
      properties: Record<string, { pattern?: string }>;
    };
    expect(
      new RegExp(schema.properties.pruneUnder.pattern!).test('../etc'),
    ).toBe(false);
    expect(
      new RegExp(schema.properties.pruneUnder.pattern!).test(
        'clusters/ocp-418/pools/infra',
      ),
    ).toBe(true);
  });

  it('fails with the status of a merge request that is gone', async () => {
    server.use(
      http.put(`${PROJECT}/merge_requests/9`, () =>
        HttpResponse.json(
          { message: '404 Not found' },
          { status: 404, statusText: 'Not Found' },
        ),
      ),
    );
    const { ctx } = await createTestContext({
      repoUrl,
      mergeRequestIid: 9,
      title: 't',
      description: 'd',
    });
    await expect(
      createMergeRequestUpdateAction(options()).handler(ctx),
    ).rejects.toThrow(
      'GitLab answered 404 Not Found to PUT merge_requests/9 of project platform/cluster-gitops: "404 Not found"',
    );
  });

  it('changes nothing in a dry run', async () => {
    const { ctx, output } = await createTestContext(
      { repoUrl, mergeRequestIid: 7, title: 't', description: 'd' },
      { isDryRun: true },
    );
    await createMergeRequestUpdateAction(options()).handler(ctx);
    expect(output).not.toHaveBeenCalled();
  });
});
