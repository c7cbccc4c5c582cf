import { useEffect, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useSignal } from '@backstage/plugin-signals-react';

/** How often to refetch when the signals API is not installed. */
export const POLL_INTERVAL_MS = 15_000;

/**
 * With signals, one refetch this long after the channel is subscribed. The signals client does
 * not say when the backend has taken the subscription, so a change that lands between the first
 * load and the subscription (seen on a loaded machine) would otherwise wait for the next signal.
 */
export const SIGNALS_CATCH_UP_MS = 3_000;

/** With signals, a refetch this often anyway: signals sent while the socket reconnected are lost. */
export const SIGNALS_SAFETY_POLL_MS = 60_000;

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
 * `channel` (plus once just after subscribing and once a minute, for signals
 * that can be missed), or every 15 seconds when the app has no signals API. The last
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

  // `retry` changes after every load; the timers must not restart with it.
  const retryRef = useRef(retry);
  retryRef.current = retry;
  useEffect(() => {
    const again = () => retryRef.current();
    if (!isSignalsAvailable) {
      const timer = setInterval(again, POLL_INTERVAL_MS);
      return () => clearInterval(timer);
    }
    const catchUp = setTimeout(again, SIGNALS_CATCH_UP_MS);
    const safety = setInterval(again, SIGNALS_SAFETY_POLL_MS);
    return () => {
      clearTimeout(catchUp);
      clearInterval(safety);
    };
  }, [isSignalsAvailable, channel]);

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
