import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const repoUrl = 'gitlab.com?owner=platform&repo=cluster-gitops';

/** Examples of `layering:merge-request:update`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Bring the title, description and labels of the open merge request up to date',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitlab-refresh',
          action: 'layering:merge-request:update',
          name: 'Update the merge request',
          if: "${{ steps['gitlab-open'].output.exists }}",
          input: {
            repoUrl,
            mergeRequestIid:
              "${{ steps['gitlab-open'].output.mergeRequestIid }}",
            title: 'Layered image (on-cluster) for pool infra on ocp-418',
            description: 'Adds the MachineOSConfig of pool infra.',
            labels: ['layering', 'pool/infra'],
          },
        },
      ],
    }),
  },
];
