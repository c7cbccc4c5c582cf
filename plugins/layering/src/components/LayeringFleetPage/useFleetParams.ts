import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';

/**
 * The page's URL parameters, answering a change as early as the browser can:
 *
 * 1. `onChoose` gets the new parameters inside the user's event handler, so the listing's
 *    request leaves before anything renders (`useFleetPages`' `prefetch`);
 * 2. the local state follows in the next task, after the request's own promise chain has sent it
 *    (an update made in the handler itself would be rendered first, before the request left);
 * 3. the URL follows once the caller says the answer is on screen (`settle`). A URL change re-renders the
 *    whole app around the page (router, sidebar, tabs); done earlier it competed with the answer.
 *
 * A URL changed from outside (back, forward, a shared link) replaces the local state.
 */
export function useFleetParams(
  /** Called with the new parameters as soon as a filter changes, before anything renders. */
  onChoose?: (next: URLSearchParams) => void,
): [
  URLSearchParams,
  (name: string, value: string | undefined) => void,
  /** Call once the answer to the parameters shown is on screen: the URL follows. */
  () => void,
] {
  const [url, setUrl] = useAppSearchParams();
  const [shown, setShown] = useState(url);
  // The newest parameters chosen, rendered or not yet.
  const latest = useRef(shown);
  // What this hook means to write to the URL and has not seen there yet.
  const pending = useRef<string | undefined>(undefined);
  const written = useRef<string | undefined>(undefined);
  const chooseRef = useRef(onChoose);
  chooseRef.current = onChoose;
  const urlText = url.toString();

  useEffect(() => {
    if (pending.current !== undefined) {
      // Our own writes: the URL catches up with the local state (older ones are skipped).
      if (urlText === pending.current) {
        pending.current = undefined;
        written.current = undefined;
      }
      return;
    }
    setShown(previous => {
      if (previous.toString() === urlText) return previous;
      const next = new URLSearchParams(urlText);
      latest.current = next;
      return next;
    });
  }, [urlText]);

  // The URL follows once the answer is shown (in a transition: it yields to anything urgent).
  const state = useRef({ shownText: shown.toString(), urlText });
  state.current = { shownText: shown.toString(), urlText };
  const settle = useCallback(() => {
    const target = pending.current;
    const { shownText, urlText: now } = state.current;
    if (target === undefined || target !== shownText || written.current === target) return;
    if (target === now) {
      // Chosen back to what the URL already says: nothing to write.
      pending.current = undefined;
      return;
    }
    written.current = target;
    startTransition(() => setUrl(new URLSearchParams(target), { replace: true }));
  }, [setUrl]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const update = useCallback((name: string, value: string | undefined) => {
    const next = new URLSearchParams(latest.current);
    if (value === undefined || value === '') {
      next.delete(name);
    } else {
      next.set(name, value);
    }
    if (next.toString() === latest.current.toString()) return;
    latest.current = next;
    pending.current = next.toString();
    chooseRef.current?.(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setShown(latest.current), 0);
  }, []);

  return [shown, update, settle];
}
