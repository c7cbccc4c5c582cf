import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `layering:containerfile:compose`. */
export const examples: TemplateExample[] = [
  {
    description: 'On-cluster: install htop from EPEL and enable a unit',
    example: yaml.stringify({
      steps: [
        {
          id: 'compose',
          action: 'layering:containerfile:compose',
          name: 'Compose the Containerfile',
          input: {
            cluster: 'ocp-418',
            mode: 'on-cluster',
            repoRpms: ['https://dl.fedoraproject.org/pub/epel/epel-release-latest-9.noarch.rpm'],
            packages: ['htop'],
          },
        },
      ],
    }),
  },
  {
    description: 'Out-of-cluster: apply a hotfix RPM on top of the release rhel-coreos image',
    example: yaml.stringify({
      steps: [
        {
          id: 'compose',
          action: 'layering:containerfile:compose',
          name: 'Compose the Containerfile',
          input: {
            cluster: 'ocp-418',
            mode: 'out-of-cluster',
            rpmUrls: ['https://hotfix.example.com/rhcos/haproxy-2.8.10-1.el9.x86_64.rpm'],
          },
        },
      ],
    }),
  },
  {
    description: 'Check a Containerfile written by hand',
    example: yaml.stringify({
      steps: [
        {
          id: 'compose',
          action: 'layering:containerfile:compose',
          name: 'Check the Containerfile',
          input: {
            cluster: 'ocp-418',
            mode: 'on-cluster',
            containerfile:
              'FROM configs AS final\nRUN dnf install -y tmux && \\\n    dnf clean all && \\\n    ostree container commit\n',
          },
        },
      ],
    }),
  },
];
