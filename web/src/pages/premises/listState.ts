// The premises list's search, filters, sort and page live in the URL query, so a reload,
// a shared link or the back button from a card gives the same list.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { PremiseListParams, PremiseSort, PremiseType } from '../../api/types';
import { isPremiseType } from './premiseTypes';

export const PAGE_SIZES = [10, 20, 50, 100];
export const DEFAULT_PAGE_SIZE = 20;
const SORTS: readonly PremiseSort[] = ['address', '-address', 'area', '-area'];

export interface PremiseFilters {
  object_group_id: number[];
  quarter_id: number[];
  object_id: number[];
  type: PremiseType[];
  tag: string[];
}

export const FILTER_KEYS = ['object_group_id', 'quarter_id', 'object_id', 'type', 'tag'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface ListState extends PremiseFilters {
  q: string;
  sort: PremiseSort;
  page: number;
  size: number;
}

export const EMPTY_FILTERS: PremiseFilters = { object_group_id: [], quarter_id: [], object_id: [], type: [], tag: [] };

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
  return {
    q: (p.get('q') ?? '').trim(),
    object_group_id: ids(p, 'object_group_id'),
    quarter_id: ids(p, 'quarter_id'),
    object_id: ids(p, 'object_id'),
    type: [...new Set(p.getAll('type').filter(isPremiseType))],
    tag: [...new Set(p.getAll('tag').filter((s) => s.trim() !== ''))],
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as PremiseSort) : 'address',
    page: positive(p.get('page'), 1),
    size: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** Defaults are left out of the URL. */
export function listStateToParams(s: ListState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const key of FILTER_KEYS) for (const v of s[key]) p.append(key, String(v));
  if (s.sort !== 'address') p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.size !== DEFAULT_PAGE_SIZE) p.set('size', String(s.size));
  return p;
}

export function activeFilterCount(f: PremiseFilters): number {
  return FILTER_KEYS.filter((k) => f[k].length > 0).length;
}

/** The API parameters of search + filters (the list adds sort and paging, the export the sort). */
export function searchParams(s: ListState): Omit<PremiseListParams, 'limit' | 'offset' | 'sort'> {
  return {
    q: s.q || undefined,
    object_group_id: s.object_group_id,
    quarter_id: s.quarter_id,
    object_id: s.object_id,
    type: s.type,
    tag: s.tag,
  };
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
