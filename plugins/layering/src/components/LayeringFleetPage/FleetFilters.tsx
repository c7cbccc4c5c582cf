import { Flex, SearchField, Select } from '@backstage/ui';
import {
  LAYERING_FLEET_STATUSES,
  type LayeringFleetSort,
  type LayeringMode,
} from '@rhcos-layering/plugin-layering-common';
import { memo, useCallback, useEffect, useMemo, useState, type Key } from 'react';
import { layeringModeLabel } from '../../lib/presentation';
import { FLEET_STATUS_LABELS } from './FleetSummary';

/** Value of a select that means "no filter". */
export const ALL = 'all';
/** Typing in the search box asks the server once the user pauses this long. */
export const SEARCH_DEBOUNCE_MS = 50;
/** Layering modes the listing filters on. */
export const FLEET_MODES: LayeringMode[] = ['on-cluster', 'out-of-cluster', 'none'];

function single(key: Key | null): string {
  return key === null ? ALL : String(key);
}

/** Props of {@link FleetSearch}. */
export interface FleetSearchProps {
  /** The search the listing answers now (from the URL). */
  q: string | undefined;
  onSearch: (q: string) => void;
}

/**
 * The search box. What is typed lives here, so a keystroke renders the box alone, not the page;
 * the listing is asked once typing pauses for {@link SEARCH_DEBOUNCE_MS}.
 */
export const FleetSearch = memo(function FleetSearchView(props: FleetSearchProps) {
  const { q, onSearch } = props;
  const [text, setText] = useState(q ?? '');
  useEffect(() => {
    if ((q ?? '') === text.trim()) return undefined;
    const timer = setTimeout(() => onSearch(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, q, onSearch]);
  return (
    <SearchField
      label="Search"
      placeholder="cluster/pool"
      value={text}
      onChange={setText}
      aria-label="Search pools"
    />
  );
});

const SORT_OPTIONS = [
  { id: 'behind', label: 'Most behind first' },
  { id: 'name', label: 'Cluster and pool name' },
];

/**
 * One select of the filters. Memoized with its own handler, so choosing a drift status renders
 * that select again, not the other three (each builds its collection of options when rendered).
 */
const FilterSelect = memo(function FilterSelectView(props: {
  name: string;
  label: string;
  options: Array<{ id: string; label: string }>;
  value: string;
  onChange: (name: string, value: string | undefined) => void;
}) {
  const { name, label, options, value, onChange } = props;
  const onSelectionChange = useCallback(
    (key: Key | null) => onChange(name, single(key)),
    [name, onChange],
  );
  return (
    <Select
      label={label}
      options={options}
      selectedKey={value}
      onSelectionChange={onSelectionChange}
    />
  );
});

/** Props of {@link FleetFilters}. */
export interface FleetFiltersProps {
  q: string | undefined;
  drift: string | undefined;
  cluster: string | undefined;
  mode: string | undefined;
  sort: LayeringFleetSort;
  /** Names of the configured clusters, for the cluster select. */
  clusterNames: string[];
  /** Sets a filter of the URL; `undefined`, '' and {@link ALL} remove it. */
  onChange: (name: string, value: string | undefined) => void;
}

/** The search box and the selects of the listing's filters and order. */
export const FleetFilters = memo(function FleetFiltersView(props: FleetFiltersProps) {
  const { q, drift, cluster, mode, sort, clusterNames, onChange } = props;
  const onSearch = useMemo(() => (text: string) => onChange('q', text), [onChange]);
  const driftOptions = useMemo(
    () => [
      { id: ALL, label: 'All' },
      ...LAYERING_FLEET_STATUSES.map(s => ({ id: s, label: FLEET_STATUS_LABELS[s] })),
    ],
    [],
  );
  const clusterOptions = useMemo(
    () => [
      { id: ALL, label: 'All clusters' },
      ...clusterNames.map(name => ({ id: name, label: name })),
    ],
    [clusterNames],
  );
  const modeOptions = useMemo(
    () => [
      { id: ALL, label: 'Any' },
      ...FLEET_MODES.map(m => ({ id: m, label: layeringModeLabel(m) })),
    ],
    [],
  );
  return (
    <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
      <FleetSearch q={q} onSearch={onSearch} />
      <FilterSelect name="drift" label="Drift" options={driftOptions} value={drift ?? ALL} onChange={onChange} />
      <FilterSelect name="cluster" label="Cluster" options={clusterOptions} value={cluster ?? ALL} onChange={onChange} />
      <FilterSelect name="mode" label="Layering" options={modeOptions} value={mode ?? ALL} onChange={onChange} />
      <FilterSelect name="sort" label="Sort" options={SORT_OPTIONS} value={sort} onChange={onChange} />
    </Flex>
  );
});
