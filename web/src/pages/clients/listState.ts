// The clients list's search, filters, sort and page live in the URL query, so a reload, a
// shared link or the back button from a card gives the same list (as for premises).
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { ClientListParams, ClientSort, ClientStatus, ClientType } from '../../api/types';
import { isClientStatus, isClientType } from './clientFields';

export const PAGE_SIZES = [10, 20, 50, 100];
export const DEFAULT_PAGE_SIZE = 20;
export const DEFAULT_SORT: ClientSort = 'name';
const SORTS: readonly ClientSort[] = ['name', '-name', 'phone', '-phone', 'last_seen', '-last_seen'];

export interface ClientFilters {
  type: ClientType[];
  status: ClientStatus[];
  tag: string[];
  object_group_id: number[];
  quarter_id: number[];
  object_id: number[];
  entrance_id: number[];
  floor_id: number[];
  premise_id: number[];
}

export const FILTER_KEYS = [
  'type', 'status', 'tag', 'object_group_id', 'quarter_id', 'object_id', 'entrance_id', 'floor_id', 'premise_id',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
const ID_KEYS = ['object_group_id', 'quarter_id', 'object_id', 'entrance_id', 'floor_id', 'premise_id'] as const;

export interface ListState extends ClientFilters {
  q: string;
  sort: ClientSort;
  page: number;
  size: number;
}

export const EMPTY_FILTERS: ClientFilters = {
  type: [], status: [], tag: [], object_group_id: [], quarter_id: [], object_id: [], entrance_id: [], floor_id: [], premise_id: [],
};

const ids = (p: URLSearchParams, key: string) => [
  ...new Set(p.getAll(key).map(Number).filter((n) => Number.isInteger(n) && n > 0)),
];
const positive = (v: string | null, fallback: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export function parseListState(p: URLSearchParams): ListState {
  const sort = p.get('sort') ?? '';
  const size = positive(p.get('size'), DEFAULT_PAGE_SIZE);
  const state: ListState = {
    ...EMPTY_FILTERS,
    q: (p.get('q') ?? '').trim(),
    type: [...new Set(p.getAll('type').filter(isClientType))],
    status: [...new Set(p.getAll('status').filter(isClientStatus))],
    tag: [...new Set(p.getAll('tag').filter((s) => s.trim() !== ''))],
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as ClientSort) : DEFAULT_SORT,
    page: positive(p.get('page'), 1),
    size: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
  for (const key of ID_KEYS) state[key] = ids(p, key);
  return state;
}

/** Defaults are left out of the URL. */
export function listStateToParams(s: ListState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const key of FILTER_KEYS) for (const v of s[key]) p.append(key, String(v));
  if (s.sort !== DEFAULT_SORT) p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.size !== DEFAULT_PAGE_SIZE) p.set('size', String(s.size));
  return p;
}

export function activeFilterCount(f: ClientFilters): number {
  return FILTER_KEYS.filter((k) => f[k].length > 0).length;
}

/** The API parameters of search + filters (the list adds sort and paging, the export the sort). */
export function searchParams(s: ListState): Omit<ClientListParams, 'limit' | 'offset' | 'sort'> {
  const out: Omit<ClientListParams, 'limit' | 'offset' | 'sort'> = { q: s.q || undefined };
  for (const key of FILTER_KEYS) (out as Record<string, unknown>)[key] = s[key];
  return out;
}

export function useListState() {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useMemo(() => parseListState(params), [key]);

  /** Changes part of the state; anything but the page itself goes back to page 1. */
  const update = useCallback(
    (patch: Partial<ListState>) => {
      setParams(
        (prev) => {
          const cur = parseListState(prev);
          const next = { ...cur, ...patch };
          if (!('page' in patch)) next.page = 1;
          return listStateToParams(next);
        },
        { replace: true },
      );
    },
    [setParams],
  );

  return { state, update, search: key ? `?${key}` : '' };
}
