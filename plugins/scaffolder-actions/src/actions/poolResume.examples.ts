import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:pool:resume`. */
export const examples: TemplateExample[] = [
  {
    description: 'Resume the infra pool so that the built image rolls out',
    example: yaml.stringify({
      steps: [
        {
          id: 'resume',
          action: 'layering:pool:resume',
          name: 'Resume the pool',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            reason: 'The layered image was reviewed',
          },
        },
      ],
    }),
  },
];
