import { Select } from '@backstage/ui';
import type { LayeringOfferedUpdate } from '@rhcos-layering/plugin-layering-common';

/** Props of {@link ForecastVersionSelect}. */
export interface ForecastVersionSelectProps {
  updates: LayeringOfferedUpdate[];
  value: string | undefined;
  onChange(version: string): void;
  label?: string;
}

/** A select over the updates a cluster is offered; conditional ones say so. */
export function ForecastVersionSelect(props: ForecastVersionSelectProps) {
  const { updates, value, onChange, label = 'Update to' } = props;
  return (
    <Select
      label={label}
      size="small"
      options={updates.map(u => ({
        id: u.version,
        label: u.conditional ? `${u.version} (conditional)` : u.version,
      }))}
      selectedKey={value ?? null}
      onSelectionChange={key => {
        if (key !== null && key !== undefined) onChange(String(key));
      }}
    />
  );
}
