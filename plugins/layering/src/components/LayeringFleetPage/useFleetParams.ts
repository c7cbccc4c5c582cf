import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';

/**
 * The page's URL parameters, answering a change at once: a filter is applied to local state
 * first (so the listing asks the server right away and only the fleet view renders), and the
 * URL follows in a transition. A URL change re-renders the whole app around the page (router,
 * sidebar, tabs), which took hundreds of milliseconds on a loaded machine before the request
 * could even be sent; as a transition it runs while the request is in flight and yields to the
 * answer. A URL changed from outside (back, forward, a shared link) replaces the local state.
 */
export function useFleetParams(): [
  URLSearchParams,
  (name: string, value: string | undefined) => void,
] {
  const [url, setUrl] = useAppSearchParams();
  const [shown, setShown] = useState(url);
  const current = useRef(shown);
  current.current = shown;
  // What this hook last wrote to the URL and is waiting to see there.
  const pending = useRef<string | undefined>(undefined);
  const urlText = url.toString();

  useEffect(() => {
    if (pending.current !== undefined) {
      // Our own writes: the URL catches up with the local state (older ones are skipped).
      if (urlText === pending.current) pending.current = undefined;
      return;
    }
    setShown(previous => (previous.toString() === urlText ? previous : new URLSearchParams(urlText)));
  }, [urlText]);

  const update = useCallback(
    (name: string, value: string | undefined) => {
      const next = new URLSearchParams(current.current);
      if (value === undefined || value === '') {
        next.delete(name);
      } else {
        next.set(name, value);
      }
      if (next.toString() === current.current.toString()) return;
      current.current = next;
      pending.current = next.toString();
      setShown(next);
      startTransition(() => setUrl(next, { replace: true }));
    },
    [setUrl],
  );

  return [shown, update];
}
