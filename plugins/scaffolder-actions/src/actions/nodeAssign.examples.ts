import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:node:assign`. */
export const examples: TemplateExample[] = [
  {
    description: 'Create a canary pool and move one worker into it',
    example: yaml.stringify({
      steps: [
        {
          id: 'assign',
          action: 'layering:node:assign',
          name: 'Move a worker into the canary pool',
          input: {
            cluster: 'ocp-418',
            pool: 'canary',
            nodes: ['worker-1'],
            createPool: true,
            reason: 'Try the layered image on one node first',
          },
        },
      ],
    }),
  },
];
