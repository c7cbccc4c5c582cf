import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:cluster:apply`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Render an on-cluster layer for the infra pool and apply it directly (requires layering.cluster.apply)',
    example: yaml.stringify({
      steps: [
        {
          id: 'compose',
          action: 'layering:containerfile:compose',
          name: 'Compose the Containerfile',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            mode: 'on-cluster',
            packages: ['tmux'],
          },
        },
        {
          id: 'render',
          action: 'layering:manifest:render',
          name: 'Render the MachineOSConfig',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            mode: 'on-cluster',
            containerfile: '${{ steps.compose.output.containerfile }}',
            pushSpec: 'registry.example.com/platform-os/infra-layered:latest',
            pushSecret: 'push-secret',
          },
        },
        {
          id: 'apply',
          action: 'layering:cluster:apply',
          name: 'Apply to the cluster',
          input: {
            cluster: 'ocp-418',
            pool: 'infra',
            manifests: '${{ steps.render.output.manifestPaths }}',
            requestKind: 'on-cluster-layer',
          },
        },
      ],
    }),
  },
];
