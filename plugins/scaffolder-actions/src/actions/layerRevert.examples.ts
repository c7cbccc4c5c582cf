import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:layer:revert`. */
export const examples: TemplateExample[] = [
  {
    description: 'Revert the out-of-cluster image of the worker pool by deleting its MachineConfig',
    example: yaml.stringify({
      steps: [
        {
          id: 'revert',
          action: 'layering:layer:revert',
          name: 'Revert to the release image',
          input: {
            cluster: 'ocp-418',
            pool: 'worker',
            method: 'remove-machine-config',
            machineConfig: 'os-layer-custom',
            reason: 'The hotfix is part of 4.18.22',
          },
        },
      ],
    }),
  },
  {
    description: 'Move one node out of the on-cluster layered infra pool back to worker',
    example: yaml.stringify({
      steps: [
        {
          id: 'revert-node',
          action: 'layering:layer:revert',
          name: 'Move the node back to worker',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            method: 'unlabel-nodes',
            nodes: ['infra-0'],
          },
        },
      ],
    }),
  },
];
