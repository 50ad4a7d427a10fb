// A whole, unpaged list from the API (`{items}`) for a table: loaded when the page opens
// (unless `enabled` is false), again on `reload()` after a change; errors shown as a message.
// A page leaving aborts its request.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApiError } from './useApiError';

export function useItems<T>(fetcher: (signal?: AbortSignal) => Promise<{ items: T[] }>, enabled = true) {
  const showError = useApiError();
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(enabled);
  const [version, setVersion] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    if (!enabled) return undefined;
    const ctrl = new AbortController();
    setLoading(true);
    fetcherRef
      .current(ctrl.signal)
      .then((page) => setItems(page.items))
      .catch((err) => {
        if (!ctrl.signal.aborted) showError(err);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [enabled, version, showError]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { items, loading, reload };
}
