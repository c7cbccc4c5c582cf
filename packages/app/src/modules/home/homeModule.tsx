import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## OpenShift RHCOS image layering

This portal shows, for every machine config pool of every configured cluster, which OS image the
pool runs and how far its RHCOS has drifted from the cluster release's RHCOS.

- **[Fleet](/layering)**: every pool of every cluster, sorted by how far behind it is.
- **[Catalog](/catalog?filters[kind]=resource)**: clusters and pools as catalog resources; a pool's
  page has the layering card and tab.
- **[Create](/create)**: request a layered image for a pool, modify or rebase it, pause or resume a
  pool, or revert it to the base image.
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Image layering',
    description: 'Where to find pools, drift and the layering templates',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget],
});
