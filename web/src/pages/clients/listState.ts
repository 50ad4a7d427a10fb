// The clients list's search, filters, sort and page live in the URL query, so a reload, a
// shared link or the back button from a card gives the same list (as for premises).
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { ClientListQuery, ClientSort, ClientStatus, ClientType, LinkRole } from '../../api/types';
import { LINK_ROLES } from '../links/linkFields';
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
  role: LinkRole[];
  /** Debt range in kopecks, inclusive (a client's debt: the accounts of their premises). */
  debt_min?: number;
  debt_max?: number;
}

/** The multi-value filters (one chip per value). */
export const FILTER_KEYS = [
  'type', 'status', 'tag', 'role', 'object_group_id', 'quarter_id', 'object_id', 'entrance_id', 'floor_id', 'premise_id',
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
  role: [], debt_min: undefined, debt_max: undefined,
};

const isLinkRole = (v: string): v is LinkRole => (LINK_ROLES as readonly string[]).includes(v);
const integer = (v: string | null) => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
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
    role: [...new Set(p.getAll('role').filter(isLinkRole))],
    debt_min: integer(p.get('debt_min')),
    debt_max: integer(p.get('debt_max')),
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
  if (s.debt_min !== undefined) p.set('debt_min', String(s.debt_min));
  if (s.debt_max !== undefined) p.set('debt_max', String(s.debt_max));
  if (s.sort !== DEFAULT_SORT) p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.size !== DEFAULT_PAGE_SIZE) p.set('size', String(s.size));
  return p;
}

export function activeFilterCount(f: ClientFilters): number {
  return FILTER_KEYS.filter((k) => f[k].length > 0).length + (f.debt_min !== undefined || f.debt_max !== undefined ? 1 : 0);
}

/** The API parameters of search + filters (the list adds sort and paging, the export the sort). */
export function searchParams(s: ListState): Omit<ClientListQuery, 'limit' | 'offset' | 'sort'> {
  const out: Omit<ClientListQuery, 'limit' | 'offset' | 'sort'> = { q: s.q || undefined, debt_min: s.debt_min, debt_max: s.debt_max };
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
