import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import { assertError } from '@backstage/errors';
import type {
  LayeringFleetPageQueryParams,
  LayeringFleetSummary,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { layeringApiRef, type LayeringApi } from '../../api';
import { FLEET_CHANNEL, POLL_INTERVAL_MS } from '../../hooks/useLiveData';

/** The filters and order of the fleet listing (no paging fields). */
export type FleetQuery = Omit<LayeringFleetPageQueryParams, 'limit' | 'cursor'>;

/**
 * Pools of the first page: a few screens of rows (eleven show at once), so the first rows show
 * quickly; the next page is asked for as they scroll in.
 */
export const FIRST_PAGE = 50;
/** Pools of each further page, loaded as the user scrolls. */
export const NEXT_PAGE = 500;
/** At most this many pools are reloaded at once when the fleet changes. */
const MAX_RELOAD = 1000;

/** State of {@link useFleetPages}. */
export interface FleetPages {
  items: PoolView[];
  total: number;
  summary: LayeringFleetSummary | undefined;
  /**
   * True until the first page of the current query arrived. Meanwhile `items`, `total` and
   * `shown` stay those of the previous query, so the table is not torn down and built again.
   */
  loading: boolean;
  /** The query whose answer `items` and `total` are (the previous one while loading). */
  shown: FleetQuery | undefined;
  /** Set when the current query could not be loaded at all. */
  error: Error | undefined;
  /** Set when a further page or a live reload failed; what was loaded stays. */
  refreshError: Error | undefined;
  /** Loads the next page, unless one is loading or there is none. */
  loadMore: () => void;
  retry: () => void;
  /**
   * Asks for the first page of a query about to be chosen, from the event handler that chooses
   * it: the request leaves before React renders the change, and the page uses its answer.
   */
  prefetch: (query: FleetQuery) => void;
}

type FirstPage = Awaited<ReturnType<LayeringApi['getFleetPage']>>;

interface Loaded {
  key: string;
  query: FleetQuery;
  items: PoolView[];
  nextCursor: string | null;
  total: number;
  summary: LayeringFleetSummary;
}

/**
 * The summary already shown when the new one says the same, so the summary's buttons are not
 * rendered again for every page and filter (comparing its text costs far less than that render,
 * even with a thousand clusters).
 */
function sameSummary(
  previous: LayeringFleetSummary | undefined,
  next: LayeringFleetSummary,
): LayeringFleetSummary {
  return previous && JSON.stringify(previous) === JSON.stringify(next) ? previous : next;
}

/**
 * Pages of the fleet listing for a query, filtered and sorted by the backend: the first page when
 * the query changes (an older answer is dropped), the next ones on `loadMore`, and the loaded
 * rows again when the backend signals a fleet change (or every 15 s without signals).
 */
export function useFleetPages(query: FleetQuery): FleetPages {
  const api = useApi(layeringApiRef);
  const key = JSON.stringify(query);
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [refreshError, setRefreshError] = useState<Error | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  const current = useRef<Loaded | undefined>(undefined);
  current.current = loaded?.key === key ? loaded : undefined;
  const moreInFlight = useRef(false);
  const queryRef = useRef(query);
  queryRef.current = query;
  // First pages asked for and not yet taken by the effect below, by query key.
  const prefetched = useRef(
    new Map<string, { answer: Promise<FirstPage>; controller: AbortController }>(),
  );

  const prefetch = useCallback(
    (next: FleetQuery) => {
      const nextKey = JSON.stringify(next);
      if (prefetched.current.has(nextKey)) return;
      // Only the newest choice is worth an answer.
      for (const entry of prefetched.current.values()) entry.controller.abort();
      prefetched.current.clear();
      const controller = new AbortController();
      const answer = api.getFleetPage({ ...next, limit: FIRST_PAGE }, { signal: controller.signal });
      // Taken (and its failure handled) by the effect; never an unhandled rejection meanwhile.
      answer.catch(() => undefined);
      prefetched.current.set(nextKey, { answer, controller });
    },
    [api],
  );

  useEffect(() => {
    const pending = prefetched.current;
    return () => {
      for (const entry of pending.values()) entry.controller.abort();
      pending.clear();
    };
  }, []);

  // The first page whenever the query changes (the prefetched request, if there is one).
  useEffect(() => {
    const taken = prefetched.current.get(key);
    prefetched.current.delete(key);
    const controller = taken?.controller ?? new AbortController();
    setError(undefined);
    setRefreshError(undefined);
    const asked = queryRef.current;
    (taken?.answer ?? api.getFleetPage({ ...asked, limit: FIRST_PAGE }, { signal: controller.signal }))
      .then(page => {
        if (!controller.signal.aborted) {
          setLoaded(previous => ({
            key,
            query: asked,
            ...page,
            summary: sameSummary(previous?.summary, page.summary),
          }));
        }
      })
      .catch(e => {
        assertError(e);
        if (!controller.signal.aborted) setError(e);
      });
    return () => controller.abort();
  }, [api, key, attempt]);

  const loadMore = useCallback(() => {
    const page = current.current;
    if (!page?.nextCursor || moreInFlight.current) return;
    moreInFlight.current = true;
    api
      .getFleetPage({ ...queryRef.current, limit: NEXT_PAGE, cursor: page.nextCursor })
      .then(next => {
        setLoaded(previous =>
          previous && previous.key === page.key && previous.nextCursor === page.nextCursor
            ? {
                key: page.key,
                query: page.query,
                items: [...previous.items, ...next.items],
                nextCursor: next.nextCursor,
                total: next.total,
                summary: sameSummary(previous.summary, next.summary),
              }
            : previous,
        );
      })
      .catch(e => {
        assertError(e);
        setRefreshError(e);
      })
      .finally(() => {
        moreInFlight.current = false;
      });
  }, [api]);

  // Live updates: the rows loaded so far, again (their statuses and order may have changed).
  const reload = useCallback(() => {
    const page = current.current;
    if (!page) return;
    const limit = Math.min(Math.max(page.items.length, FIRST_PAGE), MAX_RELOAD);
    api
      .getFleetPage({ ...queryRef.current, limit })
      .then(fresh => {
        setRefreshError(undefined);
        setLoaded(previous =>
          previous && previous.key === page.key
            ? {
                key: page.key,
                query: page.query,
                ...fresh,
                summary: sameSummary(previous.summary, fresh.summary),
              }
            : previous,
        );
      })
      .catch(e => {
        assertError(e);
        setRefreshError(e);
      });
  }, [api]);

  const { lastSignal, isSignalsAvailable } = useSignal(FLEET_CHANNEL);
  useEffect(() => {
    if (lastSignal) reload();
    // Only a new signal reloads, not a new `reload` function.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);
  useEffect(() => {
    if (isSignalsAvailable) return undefined;
    const timer = setInterval(reload, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [isSignalsAvailable, reload]);

  // While a new query loads, the previous answer stays (marked as loading).
  const shown = error ? undefined : loaded;
  return {
    items: shown?.items ?? [],
    total: shown?.total ?? 0,
    shown: shown?.query,
    summary: loaded?.summary,
    loading: loaded?.key !== key && !error,
    error,
    refreshError,
    loadMore,
    retry: useCallback(() => setAttempt(a => a + 1), []),
    prefetch,
  };
}
