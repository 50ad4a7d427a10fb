// Server-side paged list for an antd Table: limit/offset from the pagination, `q` from a
// search box, extra filters; reloads when any of them changes.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import type { ListParams, ListResponse } from '../api/types';
import { useApiError } from './useApiError';
import { useI18n } from '../i18n';

type Filters = Record<string, string | number | undefined>;

export function useServerList<T, F extends Filters = Filters>(
  fetcher: (params: ListParams & F, signal?: AbortSignal) => Promise<ListResponse<T>>,
  filters: F = {} as F,
  defaultPageSize = 20,
) {
  const showError = useApiError();
  const { t } = useI18n();
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(defaultPageSize);
  const [q, setQState] = useState('');
  const [version, setVersion] = useState(0);

  const filtersKey = JSON.stringify(filters);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  // a filter change goes back to the first page
  const firstKey = useRef(filtersKey);
  useEffect(() => {
    if (firstKey.current !== filtersKey) {
      firstKey.current = filtersKey;
      setPage(1);
    }
  }, [filtersKey]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    const params = {
      ...(JSON.parse(filtersKey) as F),
      limit: pageSize,
      offset: (page - 1) * pageSize,
      q: q || undefined,
    } as ListParams & F;
    fetcherRef
      .current(params, ctrl.signal)
      .then((res) => {
        if (ctrl.signal.aborted) return;
        // a page past the end (after a delete) steps back
        if (res.items.length === 0 && res.total > 0 && page > 1) {
          setPage(Math.max(1, Math.ceil(res.total / pageSize)));
          return;
        }
        setItems(res.items);
        setTotal(res.total);
        setLoading(false);
      })
      .catch((err) => {
        if (ctrl.signal.aborted || (err as Error).name === 'AbortError') return;
        setItems([]);
        setTotal(0);
        setLoading(false);
        showError(err);
      });
    return () => ctrl.abort();
  }, [filtersKey, page, pageSize, q, version, showError]);

  const setQ = useCallback((value: string) => {
    setQState(value.trim());
    setPage(1);
  }, []);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  const pagination = useMemo<TablePaginationConfig>(
    () => ({
      current: page,
      pageSize,
      total,
      showSizeChanger: true,
      pageSizeOptions: [10, 20, 50, 100],
      showTotal: (n) => t('common.total', { total: n }),
      onChange: (p, s) => {
        if (s !== pageSize) {
          setPageSize(s);
          setPage(1);
        } else setPage(p);
      },
    }),
    [page, pageSize, total, t],
  );

  return { items, total, loading, q, setQ, reload, pagination };
}
