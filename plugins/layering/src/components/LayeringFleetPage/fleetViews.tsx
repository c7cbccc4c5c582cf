import type { ClusterView } from '@rhcos-layering/plugin-layering-common';
import type { ReactNode } from 'react';
import { FleetPoolsView } from './FleetPoolsView';
import { LayeringFleetForecast } from '../LayeringForecast';

/** One tab of the fleet page. */
export interface FleetView {
  /** Also the `view` parameter of the page's URL. */
  id: string;
  label: string;
  render: (props: { clusters: ClusterView[] }) => ReactNode;
}

/**
 * The tabs of the fleet page, the first one shown by default. Another view of the fleet is one
 * more line here.
 */
export const FLEET_VIEWS: FleetView[] = [
  { id: 'pools', label: 'Pools', render: ({ clusters }) => <FleetPoolsView clusters={clusters} /> },
  { id: 'forecast', label: 'Upgrade forecast', render: ({ clusters }) => <LayeringFleetForecast clusters={clusters.map(c => c.name)} /> },
];
