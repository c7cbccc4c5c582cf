import { useEffect, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useSignal } from '@backstage/plugin-signals-react';

/** How often to refetch when the signals API is not installed. */
export const POLL_INTERVAL_MS = 15_000;

/** Signal channels the backend publishes on (the wire contract of layering-common). */
export {
  LAYERING_FLEET_CHANNEL as FLEET_CHANNEL,
  layeringPoolChannel as poolChannel,
} from '@rhcos-layering/plugin-layering-common';

/** Result of {@link useLiveData}. */
export interface LiveData<T> {
  value: T | undefined;
  /** True only while nothing has been loaded yet. */
  loading: boolean;
  /** True while a refetch runs in the background. */
  refreshing: boolean;
  /** Set when nothing could be loaded; the caller shows it instead of data. */
  error: Error | undefined;
  /** Set when a refetch failed: `value` is then the last good one. */
  refreshError: Error | undefined;
  retry: () => void;
}

/**
 * Loads data and loads it again whenever the backend signals a change on
 * `channel`, or every 15 seconds when the app has no signals API. The last
 * value stays on screen while a refetch runs, so updates don't flicker.
 */
export function useLiveData<T>(
  load: () => Promise<T>,
  channel: string,
  deps: unknown[],
): LiveData<T> {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsyncRetry(load, deps);
  const { lastSignal, isSignalsAvailable } = useSignal(channel);
  const { retry } = state;

  useEffect(() => {
    if (lastSignal) {
      retry();
    }
    // Only a new signal should trigger a refetch, not a new `retry` function.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);

  useEffect(() => {
    if (isSignalsAvailable) {
      return undefined;
    }
    const timer = setInterval(() => retry(), POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [isSignalsAvailable, retry]);

  // react-use drops the value when a call fails; a live view should keep
  // showing the last good data and say that it could not refresh.
  const lastGood = useRef<{ value: T } | undefined>(undefined);
  if (!state.loading && !state.error && state.value !== undefined) {
    lastGood.current = { value: state.value };
  }
  const value = state.value ?? lastGood.current?.value;
  return {
    value,
    loading: state.loading && value === undefined,
    refreshing: state.loading && value !== undefined,
    error: value === undefined ? state.error : undefined,
    refreshError: value !== undefined ? state.error : undefined,
    retry,
  };
}
