import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:request:record`. */
export const examples: TemplateExample[] = [
  {
    description: 'Record the pull request a template opened for an on-cluster layer',
    example: yaml.stringify({
      steps: [
        {
          id: 'record',
          action: 'layering:request:record',
          name: 'Record the request',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            kind: 'on-cluster-layer',
            delivery: 'pull-request',
            pullRequestUrl: 'https://github.com/example/cluster-config/pull/42',
            summary: 'Install htop from EPEL on the infra pool',
          },
        },
      ],
    }),
  },
];
