import { useApi, useAppSearchParams } from '@backstage/frontend-plugin-api';
import { Alert, Container, Flex, Tab, TabList, Tabs, Text } from '@backstage/ui';
import { isClusterStatusDown } from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef } from '../../api';
import { FLEET_CHANNEL, useLiveData } from '../../hooks/useLiveData';
import { LoadError } from '../LoadError';
import { RefreshError } from '../RefreshError';
import { FLEET_VIEWS } from './fleetViews';

/** Down clusters named one by one; more are counted in one line. */
const DOWN_ALERTS = 5;

/**
 * The fleet page: every pool of every cluster, filtered, sorted and paged by the backend, with a
 * summary per drift status and cluster and the drift trend; further views of the fleet as tabs.
 * Filters and the chosen tab live in the URL, so a view can be shared.
 *
 * @public
 */
export function LayeringFleetPage() {
  const api = useApi(layeringApiRef);
  const [params, setParams] = useAppSearchParams();
  const clusters = useLiveData(() => api.getClusters(), FLEET_CHANNEL, [api]);
  const view = FLEET_VIEWS.find(v => v.id === params.get('view')) ?? FLEET_VIEWS[0];

  // The pools are asked for while the clusters load (not after): the first rows need only them.
  if (clusters.error && !clusters.value) {
    return (
      <Container>
        <LoadError error={clusters.error} />
      </Container>
    );
  }
  const all = clusters.value ?? [];
  const down = all.filter(c => isClusterStatusDown(c.status));

  return (
    <Container>
      <Flex direction="column" gap="4">
        <RefreshError error={clusters.refreshError} />
        {down.slice(0, DOWN_ALERTS).map(c => (
          <Alert
            key={c.name}
            role="alert"
            status="danger"
            icon
            title={`Cluster ${c.name} is ${c.status}`}
            description={`${
              c.error ? `${c.error}. ` : ''
            }Its pools are shown as unreachable until the cluster answers again.`}
          />
        ))}
        {down.length > DOWN_ALERTS && (
          <Text as="p" role="alert" color="danger">
            {`${down.length - DOWN_ALERTS} more clusters cannot be read; their pools are shown as unreachable.`}
          </Text>
        )}
        {FLEET_VIEWS.length > 1 ? (
          <Tabs
            selectedKey={view.id}
            onSelectionChange={key =>
              setParams(
                previous => {
                  const next = new URLSearchParams(previous);
                  next.set('view', String(key));
                  return next;
                },
                { replace: true },
              )
            }
          >
            <TabList aria-label="Fleet views">
              {FLEET_VIEWS.map(v => (
                <Tab key={v.id} id={v.id}>
                  {v.label}
                </Tab>
              ))}
            </TabList>
          </Tabs>
        ) : null}
        {/* The chosen view is rendered here, not in a tab panel of the tabs: a panel mounts
            only after the tabs have collected their items, which put the first request of the
            pools a render later. */}
        <div
          role={FLEET_VIEWS.length > 1 ? 'tabpanel' : undefined}
          aria-label={FLEET_VIEWS.length > 1 ? view.label : undefined}
        >
          {view.render({ clusters: all })}
        </div>
      </Flex>
    </Container>
  );
}
