import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:pool:pause`. */
export const examples: TemplateExample[] = [
  {
    description: 'Pause the infra pool before replacing its MachineOSConfig',
    example: yaml.stringify({
      steps: [
        {
          id: 'pause',
          action: 'layering:pool:pause',
          name: 'Pause the pool',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            reason: 'Hold the rollout until the new layered image is reviewed',
          },
        },
      ],
    }),
  },
];
