import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:manifest:render`. */
export const examples: TemplateExample[] = [
  {
    description: 'Render an on-cluster MachineOSConfig for the infra pool',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'layering:manifest:render',
          name: 'Render the MachineOSConfig',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            mode: 'on-cluster',
            containerfile:
              'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n',
            pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
            pushSecret: 'push-secret',
            outputDir: 'clusters/ocp-418/layering',
          },
        },
      ],
    }),
  },
  {
    description: 'Render an out-of-cluster MachineConfig that points the worker pool at a built image',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'layering:manifest:render',
          name: 'Render the MachineConfig',
          input: {
            cluster: 'ocp-418',
            pool: 'worker',
            mode: 'out-of-cluster',
            image:
              'registry.example.com/platform-os/worker-layered@sha256:5f2c1b0e8a4d6f7e9c3b2a1d0e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f',
            machineConfigName: 'os-layer-custom',
          },
        },
      ],
    }),
  },
];
