// Options for a Select (and an id → label map for tables) loaded from a list API.
import { useEffect, useMemo, useState } from 'react';
import type { ListResponse } from '../api/types';
import { MAX_LIMIT } from '../api/resources';

export interface Option {
  value: number;
  label: string;
}

export function useOptions<T extends { id: number }>(
  load: (params: { limit: number; offset: number }) => Promise<ListResponse<T>>,
  label: (item: T) => string,
  /** Reload when this changes (e.g. a parent filter); `null` disables loading. */
  key: string | number | null = '',
) {
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (key === null) {
      setItems([]);
      return;
    }
    let cancelled = false;
    setLoading(true);
    load({ limit: MAX_LIMIT, offset: 0 })
      .then((res) => !cancelled && setItems(res.items))
      .catch(() => !cancelled && setItems([]))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
    // `load` and `label` are inline lambdas; `key` says when to reload
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const options = useMemo<Option[]>(() => items.map((i) => ({ value: i.id, label: label(i) })), [items, label]);
  const byId = useMemo(() => new Map(items.map((i) => [i.id, i])), [items]);
  return { items, options, byId, loading };
}

/** Select props for searching options by label. */
export const searchableSelect = {
  showSearch: true,
  optionFilterProp: 'label',
  allowClear: true,
} as const;
