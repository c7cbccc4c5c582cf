import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const branchName = 'layering/ocp-418/infra/on-cluster-image';
const repoUrl = 'gitlab.com?owner=platform&repo=cluster-gitops';

/** Examples of `layering:merge-request:find`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Find the merge request an earlier run opened, so the template pushes to it instead of opening a second one',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitlab-open',
          action: 'layering:merge-request:find',
          name: 'Look for the open merge request',
          input: { repoUrl, branchName },
        },
        {
          id: 'gitlab-push',
          action: 'gitlab:repo:push',
          name: 'Push the change to its branch',
          if: "${{ steps['gitlab-open'].output.exists }}",
          input: {
            repoUrl,
            branchName,
            commitMessage: 'layering: on-cluster image for ocp-418/infra',
            commitAction: 'auto',
          },
        },
        {
          id: 'publish-gitlab',
          action: 'publish:gitlab:merge-request',
          name: 'Open the merge request',
          if: "${{ not steps['gitlab-open'].output.exists }}",
          input: {
            repoUrl,
            branchName,
            title: 'Layered image (on-cluster) for pool infra on ocp-418',
            description: 'Adds the MachineOSConfig of pool infra.',
          },
        },
      ],
    }),
  },
];
