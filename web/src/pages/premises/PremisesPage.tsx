// «Управление» → «Помещения» (R-1…R-4): the register with server paging and sorting, the
// address search, the filters drawer, export to Excel and «Добавить». Search, filters, sort
// and page are kept in the URL (listState.ts).
import { CloudUploadOutlined, DownloadOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Flex, Input, Table, Tag, Tooltip, Typography, type TableColumnsType, type TableProps } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { objectGroupsApi, objectsApi, premisesApi, quartersApi } from '../../api/resources';
import type { ObjectGroup, Premise, PremiseType, Quarter } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useApiError } from '../../components/useApiError';
import { useOptions } from '../../components/useOptions';
import { useI18n, type MessageKey } from '../../i18n';
import { formatNumber } from '../../utils/format';
import { activeFilterCount, FILTER_KEYS, PAGE_SIZES, searchParams, useListState, type FilterKey, type PremiseFilters } from './listState';
import { objectLabel, PremiseAddModal } from './PremiseAddModal';
import { PremiseFiltersDrawer } from './PremiseFiltersDrawer';
import { typeLabelKey } from './premiseTypes';

const groupLabel = (g: ObjectGroup) => g.name;
const quarterLabel = (q: Quarter) => q.name;

const filterLabelKey: Record<FilterKey, MessageKey> = {
  object_group_id: 'premises.filter.group',
  quarter_id: 'premises.filter.quarter',
  object_id: 'premises.filter.object',
  type: 'premises.filter.type',
  tag: 'premises.filter.tag',
};

export function PremisesPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { canWrite, isAdmin } = useAuth();
  const navigate = useNavigate();
  const showError = useApiError();
  const { state, update, search } = useListState();

  const [items, setItems] = useState<Premise[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const [searchText, setSearchText] = useState(state.q);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [adding, setAdding] = useState(false);

  // the box follows the URL (back button, «Сбросить»)
  useEffect(() => setSearchText(state.q), [state.q]);

  const groups = useOptions(objectGroupsApi.list, groupLabel);
  const quarters = useOptions(quartersApi.list, quarterLabel);
  const objectLabelCb = useCallback(objectLabel, []);
  const objects = useOptions(objectsApi.list, objectLabelCb);

  const stateKey = JSON.stringify(state);
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    premisesApi
      .list(
        { ...searchParams(state), sort: state.sort, limit: state.size, offset: (state.page - 1) * state.size },
        ctrl.signal,
      )
      .then((res) => {
        if (ctrl.signal.aborted) return;
        // a page past the end (after deletes) steps back to the last one
        if (res.items.length === 0 && res.total > 0 && state.page > 1) {
          update({ page: Math.max(1, Math.ceil(res.total / state.size)) });
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
    // `state` is represented by stateKey
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stateKey, version, showError, update]);

  const filterCount = activeFilterCount(state);
  const filtered = !!state.q || filterCount > 0;
  const cardState = useMemo(() => ({ list: search }), [search]);
  const area = (v: number | null) => (v == null ? '—' : t('premise.area', { value: formatNumber(v, lang) }));

  const columns: TableColumnsType<Premise> = [
    {
      title: t('premises.col.address'),
      dataIndex: 'address',
      key: 'address',
      sorter: true,
      sortOrder: state.sort === 'address' ? 'ascend' : state.sort === '-address' ? 'descend' : null,
      // the default order: it toggles between the two directions, never off
      sortDirections: ['ascend', 'descend', 'ascend'],
      render: (address: string, row) => (
        <Link to={`/premises/${row.id}`} state={cardState} onClick={(e) => e.stopPropagation()}>
          <Typography.Text strong style={{ color: 'inherit' }}>
            {address}
          </Typography.Text>
        </Link>
      ),
    },
    { title: t('premises.col.type'), dataIndex: 'type', key: 'type', width: 170, render: (v: PremiseType) => t(typeLabelKey(v)) },
    {
      title: t('premises.col.area'),
      dataIndex: 'total_area',
      key: 'area',
      width: 140,
      align: 'right',
      sorter: true,
      sortOrder: state.sort === 'area' ? 'ascend' : state.sort === '-area' ? 'descend' : null,
      render: area,
    },
    { title: t('premises.col.object'), dataIndex: 'object_name', key: 'object', width: 220, ellipsis: true },
    { title: t('premises.col.clients'), dataIndex: 'clients_count', key: 'clients', width: 110, align: 'right' },
  ];

  const onTableChange: TableProps<Premise>['onChange'] = (pagination, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      const column = s?.columnKey === 'area' ? 'area' : 'address';
      if (!s?.order) update({ sort: 'address' });
      else update({ sort: s.order === 'descend' ? `-${column}` : column });
    } else if (extra.action === 'paginate') {
      const size = pagination.pageSize ?? state.size;
      update(size !== state.size ? { size, page: 1 } : { page: pagination.current ?? 1 });
    }
  };

  // what the filters are, as closable chips under the toolbar
  const chipLabel = (key: FilterKey, v: string | number): string => {
    switch (key) {
      case 'object_group_id':
        return groups.byId.get(v as number)?.name ?? `#${v}`;
      case 'quarter_id':
        return quarters.byId.get(v as number)?.name ?? `#${v}`;
      case 'object_id':
        return objects.byId.get(v as number)?.name ?? `#${v}`;
      case 'type':
        return t(typeLabelKey(v as PremiseType));
      default:
        return String(v);
    }
  };
  const removeChip = (key: FilterKey, v: string | number) =>
    update({ [key]: (state[key] as (string | number)[]).filter((x) => x !== v) } as Partial<PremiseFilters>);

  const resetAll = () => update({ q: '', object_group_id: [], quarter_id: [], object_id: [], type: [], tag: [] });

  return (
    <>
      <PageHeader title={t('premises.title')} />
      <Card>
        <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: filterCount > 0 ? 12 : 16 }}>
          <Flex gap={12} wrap align="center">
            <Input.Search
              allowClear
              value={searchText}
              placeholder={t('premises.search')}
              onChange={(e) => {
                setSearchText(e.target.value);
                if (e.target.value === '') update({ q: '' });
              }}
              onSearch={(v) => update({ q: v.trim() })}
              style={{ width: 540 }}
              data-testid="table-search"
            />
            <Badge count={filterCount} size="small" color="#1f5fd6" offset={[-4, 4]}>
              <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen(true)} data-testid="filters-button">
                {t('premises.filters')}
              </Button>
            </Badge>
            {filtered && (
              <Button type="link" onClick={resetAll} data-testid="reset-button" style={{ paddingInline: 4 }}>
                {t('premises.reset')}
              </Button>
            )}
          </Flex>
          <Flex gap={8}>
            <Tooltip title={t('premises.exportHint')}>
              <Button icon={<DownloadOutlined />} href={premisesApi.exportUrl({ ...searchParams(state), sort: state.sort === 'address' ? undefined : state.sort })} download data-testid="export-button">
                {t('premises.export')}
              </Button>
            </Tooltip>
            {isAdmin && (
              <Tooltip title={t('exchange.excel.importHint')}>
                <Button icon={<CloudUploadOutlined />} onClick={() => navigate('/import/excel?from=premises')} data-testid="import-button">
                  {t('exchange.excel.importButton')}
                </Button>
              </Tooltip>
            )}
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={!canWrite} data-testid="add-button">
              {t('common.add')}
            </Button>
          </Flex>
        </Flex>
        {filterCount > 0 && (
          <Flex gap={6} wrap style={{ marginBottom: 16 }} data-testid="filter-chips">
            {FILTER_KEYS.flatMap((key) =>
              (state[key] as (string | number)[]).map((v) => (
                <Tag key={`${key}:${v}`} closable onClose={() => removeChip(key, v)} style={{ marginInlineEnd: 0 }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(filterLabelKey[key])}:
                  </Typography.Text>{' '}
                  {chipLabel(key, v)}
                </Tag>
              )),
            )}
          </Flex>
        )}
        <Table<Premise>
          rowKey="id"
          columns={columns}
          dataSource={items}
          loading={loading}
          onChange={onTableChange}
          showSorterTooltip={false}
          pagination={{
            current: state.page,
            pageSize: state.size,
            total,
            showSizeChanger: true,
            pageSizeOptions: PAGE_SIZES,
            showTotal: (n) => t('common.total', { total: n }),
          }}
          onRow={(row) => ({ onClick: () => navigate(`/premises/${row.id}`, { state: cardState }), style: { cursor: 'pointer' } })}
          locale={{ emptyText: <EmptyState text={t('premises.empty')} filtered={filtered} /> }}
          data-testid="premises-table"
        />
      </Card>
      <PremiseFiltersDrawer
        open={filtersOpen}
        onClose={() => setFiltersOpen(false)}
        value={state}
        onChange={update}
        options={{
          groups,
          quarters,
          objects: { items: objects.items, loading: objects.loading, label: objectLabel },
        }}
      />
      <PremiseAddModal
        open={adding}
        objectId={state.object_id.length === 1 ? state.object_id[0] : undefined}
        onCancel={() => setAdding(false)}
        onCreated={(p) => {
          setAdding(false);
          message.success(t('premise.created'));
          setVersion((v) => v + 1);
          navigate(`/premises/${p.id}`, { state: cardState });
        }}
      />
    </>
  );
}
