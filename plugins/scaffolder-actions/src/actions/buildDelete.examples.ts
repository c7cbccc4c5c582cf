import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:build:delete`. */
export const examples: TemplateExample[] = [
  {
    description: 'Delete an old MachineOSBuild that no node uses any more',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete-build',
          action: 'layering:build:delete',
          name: 'Delete the old build',
          input: {
            cluster: 'ocp-418',
            build: 'infra-08dcbd033aeac08fbb14963fe9ec65c5',
            reason: 'Free registry space',
          },
        },
      ],
    }),
  },
];
