import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:build:rebuild`. */
export const examples: TemplateExample[] = [
  {
    description: 'Rebuild the on-cluster image of the infra pool, e.g. to pick up new RPMs from a repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'rebuild',
          action: 'layering:build:rebuild',
          name: 'Rebuild the layered image',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            reason: 'Pick up the security errata published today',
          },
        },
      ],
    }),
  },
];
