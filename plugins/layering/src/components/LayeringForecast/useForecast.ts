import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type {
  LayeringClusterUpdates,
  LayeringForecastResponse,
} from '@rhcos-layering/plugin-layering-common';
import { layeringApiRef } from '../../api';

/** What {@link useForecast} gives a component. */
export interface ForecastState {
  /** False when the app's LayeringApi has no forecast methods (a replacement written before them). */
  supported: boolean;
  updates: LayeringClusterUpdates | undefined;
  updatesLoading: boolean;
  updatesError: Error | undefined;
  /** The chosen target version (the newest offered one until the user picks another). */
  target: string | undefined;
  setTarget(version: string): void;
  forecast: LayeringForecastResponse | undefined;
  forecastLoading: boolean;
  forecastError: Error | undefined;
}

/**
 * Loads the updates a cluster is offered and the forecast for the chosen one. Recommended updates
 * are preferred as the first choice; a conditional one is chosen first only when nothing else is
 * offered. `releaseVersion`, the release the caller's live data shows, reloads both when the
 * cluster completes an update, so a live page never offers the release it already runs.
 */
export function useForecast(
  cluster: string | undefined,
  releaseVersion?: string | null,
): ForecastState {
  const api = useApi(layeringApiRef);
  const [target, setTarget] = useState<string | undefined>(undefined);
  const supported =
    typeof api.getUpdates === 'function' && typeof api.getForecast === 'function';
  const updates = useAsync(
    async () => (cluster && supported ? api.getUpdates(cluster) : undefined),
    [api, cluster, releaseVersion],
  );
  useEffect(() => {
    const offered = updates.value?.updates ?? [];
    if (offered.length === 0) {
      setTarget(undefined);
      return;
    }
    setTarget(current =>
      current && offered.some(u => u.version === current)
        ? current
        : (offered.find(u => !u.conditional) ?? offered[0]).version,
    );
  }, [updates.value]);
  const forecast = useAsync(
    async () =>
      cluster && target && supported ? api.getForecast(cluster, target) : undefined,
    [api, cluster, target, releaseVersion],
  );
  return {
    supported,
    updates: updates.value,
    updatesLoading: updates.loading,
    updatesError: updates.error,
    target,
    setTarget,
    forecast: forecast.value?.to === target ? forecast.value : undefined,
    forecastLoading: forecast.loading,
    forecastError: forecast.error,
  };
}
