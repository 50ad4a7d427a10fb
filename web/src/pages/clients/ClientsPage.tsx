// «Управление» → «Клиенты» (C-1…C-4, C-6): tabs «Клиенты» (the register), «Заявки на
// регистрацию» and «Неидентифицированные» (later). The register: row number across pages, ФИО
// (link to the card), phone, premises (up to 3 with the role, «ещё N»), debt, last visit to the
// resident app; server paging and
// sorting, search by name or phone, the filters drawer, export to Excel and «Добавить».
// Search, filters, sort and page are kept in the URL (listState.ts).
import { CloudUploadOutlined, DownloadOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import {
  App, Badge, Button, Card, Flex, Input, Table, Tabs, Tag, Tooltip, Typography, type TableColumnsType, type TableProps,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { clientsApi } from '../../api/resources';
import type { ClientListItem, ClientListPremise, ClientSort, ClientStatus, ClientType, LinkRole } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useApiError } from '../../components/useApiError';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, formatMoney, formatNumber } from '../../utils/format';
import { Money } from '../premises/AccountLedger';
import { linkRoleKey } from '../links/linkFields';
import { ClientAddModal } from './ClientAddModal';
import { clientStatusKey, clientTypeKey } from './clientFields';
import { ClientFiltersDrawer, useClientFilterOptions } from './ClientFiltersDrawer';
import {
  activeFilterCount, DEFAULT_SORT, EMPTY_FILTERS, FILTER_KEYS, PAGE_SIZES, searchParams, useListState, type ClientFilters,
  type FilterKey,
} from './listState';

const filterLabelKey: Record<FilterKey, MessageKey> = {
  type: 'clients.filter.type',
  status: 'clients.filter.status',
  tag: 'clients.filter.tag',
  role: 'clients.filter.role',
  object_group_id: 'premises.filter.group',
  quarter_id: 'premises.filter.quarter',
  object_id: 'premises.filter.object',
  entrance_id: 'clients.filter.entrance',
  floor_id: 'clients.filter.floor',
  premise_id: 'clients.filter.premise',
};

type SortColumn = 'name' | 'phone' | 'last_seen';

export function ClientsPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('clients.title')} />
      <Card styles={{ body: { paddingTop: 8 } }}>
        <Tabs
          defaultActiveKey="clients"
          data-testid="clients-tabs"
          items={[
            { key: 'clients', label: t('clients.tab.clients'), children: <ClientsRegister /> },
            ...(['requests', 'unidentified'] as const).map((key) => ({
              key,
              disabled: true,
              label: (
                <Tooltip title={t('clients.tabLater')}>
                  <span data-testid={`tab-${key}`}>
                    {t(`clients.tab.${key}` as MessageKey)}{' '}
                    <Tag bordered={false} style={{ marginInline: 4, fontSize: 11, lineHeight: '18px' }}>
                      {t('clients.soon')}
                    </Tag>
                  </span>
                </Tooltip>
              ),
            })),
          ]}
        />
      </Card>
    </>
  );
}

/** Up to 3 premises with the client's role there, and «ещё N» for the rest. */
function PremisesCell({ row }: { row: ClientListItem }) {
  const { t } = useI18n();
  const items: ClientListPremise[] = row.premises ?? [];
  if (items.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  const more = Math.max(0, (row.premises_count ?? items.length) - items.length);
  return (
    <Flex vertical gap={0} data-testid="client-premises-cell">
      {items.map((p) => (
        <Typography.Text key={p.id}>
          <Link to={`/premises/${p.id}`} onClick={(e) => e.stopPropagation()} style={{ color: 'inherit' }}>
            {typeof p.address === 'string' ? p.address : `#${p.id}`}
          </Link>
          {p.role && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {' '}
              · {t(linkRoleKey(p.role)).toLowerCase()}
            </Typography.Text>
          )}
        </Typography.Text>
      ))}
      {more > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('clients.morePremises', { n: more })}
        </Typography.Text>
      )}
    </Flex>
  );
}

function ClientsRegister() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { canWrite, isAdmin } = useAuth();
  const navigate = useNavigate();
  const showError = useApiError();
  const { state, update, search } = useListState();

  const [items, setItems] = useState<ClientListItem[]>([]);
  const [total, setTotal] = useState(0);
  const [totalCapped, setTotalCapped] = useState(false);
  const [loading, setLoading] = useState(true);
  const [searchText, setSearchText] = useState(state.q);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [adding, setAdding] = useState(false);
  const options = useClientFilterOptions(state);

  // the box follows the URL (back button, «Сбросить»)
  useEffect(() => setSearchText(state.q), [state.q]);

  const stateKey = JSON.stringify(state);
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    clientsApi
      .list({ ...searchParams(state), sort: state.sort, limit: state.size, offset: (state.page - 1) * state.size }, ctrl.signal)
      .then((res) => {
        if (ctrl.signal.aborted) return;
        // a page past the end (after deletes) steps back to the last one
        if (res.items.length === 0 && res.total > 0 && state.page > 1) {
          update({ page: Math.max(1, Math.ceil(res.total / state.size)) });
          return;
        }
        setItems(res.items);
        setTotal(res.total);
        setTotalCapped(res.total_capped === true);
        setLoading(false);
      })
      .catch((err) => {
        if (ctrl.signal.aborted || (err as Error).name === 'AbortError') return;
        setItems([]);
        setTotal(0);
        setTotalCapped(false);
        setLoading(false);
        showError(err);
      });
    return () => ctrl.abort();
    // `state` is represented by stateKey
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stateKey, showError, update]);

  const filterCount = activeFilterCount(state);
  const filtered = !!state.q || filterCount > 0;
  const cardState = useMemo(() => ({ list: search }), [search]);
  const firstRow = (state.page - 1) * state.size;

  const sortOrder = (column: SortColumn) =>
    state.sort === column ? ('ascend' as const) : state.sort === `-${column}` ? ('descend' as const) : null;

  const columns: TableColumnsType<ClientListItem> = [
    { title: t('clients.col.number'), key: 'n', width: 64, align: 'right', render: (_v, _row, i) => firstRow + i + 1 },
    {
      title: t('clients.col.name'),
      dataIndex: 'full_name',
      key: 'name',
      width: '20%',
      sorter: true,
      sortOrder: sortOrder('name'),
      // the default order: it toggles between the two directions, never off
      sortDirections: ['ascend', 'descend', 'ascend'],
      render: (name: string, row) => (
        <Flex vertical gap={0}>
          <Link to={`/clients/${row.id}`} state={cardState} onClick={(e) => e.stopPropagation()}>
            <Typography.Text strong style={{ color: 'inherit' }}>
              {name || '—'}
            </Typography.Text>
          </Link>
          {(row.type !== 'individual' || row.status === 'blocked') && (
            <Flex gap={4} style={{ marginTop: 2 }}>
              {row.type !== 'individual' && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(clientTypeKey(row.type))}
                </Typography.Text>
              )}
              {row.status === 'blocked' && (
                <Tag color="red" bordered={false} style={{ fontSize: 11, lineHeight: '16px', marginInlineEnd: 0 }}>
                  {t('client.status.blocked')}
                </Tag>
              )}
            </Flex>
          )}
        </Flex>
      ),
    },
    {
      title: t('clients.col.phone'),
      dataIndex: 'phone_formatted',
      key: 'phone',
      width: 175,
      sorter: true,
      sortOrder: sortOrder('phone'),
      render: (v: string | null) => (v ? <span style={{ whiteSpace: 'nowrap' }}>{v}</span> : '—'),
    },
    {
      title: t('clients.col.premises'),
      dataIndex: 'premises',
      key: 'premises',
      render: (_v, row) => <PremisesCell row={row} />,
    },
    {
      title: t('clients.col.debt'),
      dataIndex: 'debt',
      key: 'debt',
      width: 172,
      align: 'right',
      render: (v: number | undefined) => (v === undefined || v === null ? '—' : <Money kopecks={v} debt />),
    },
    {
      title: t('clients.col.lastSeen'),
      dataIndex: 'last_seen_at',
      key: 'last_seen',
      width: 150,
      sorter: true,
      sortOrder: sortOrder('last_seen'),
      render: (v: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(v)}</span>,
    },
  ];

  const onTableChange: TableProps<ClientListItem>['onChange'] = (pagination, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      const column: SortColumn = s?.columnKey === 'phone' ? 'phone' : s?.columnKey === 'last_seen' ? 'last_seen' : 'name';
      if (!s?.order) update({ sort: DEFAULT_SORT });
      else update({ sort: (s.order === 'descend' ? `-${column}` : column) as ClientSort });
    } else if (extra.action === 'paginate') {
      const size = pagination.pageSize ?? state.size;
      update(size !== state.size ? { size, page: 1 } : { page: pagination.current ?? 1 });
    }
  };

  const chipLabel = (key: FilterKey, v: string | number): string => {
    const id = v as number;
    switch (key) {
      case 'type':
        return t(clientTypeKey(v as ClientType));
      case 'status':
        return t(clientStatusKey(v as ClientStatus));
      case 'object_group_id':
        return options.groups.byId.get(id)?.name ?? `#${v}`;
      case 'quarter_id':
        return options.quarters.byId.get(id)?.name ?? `#${v}`;
      case 'object_id':
        return options.objects.byId.get(id)?.name ?? `#${v}`;
      case 'entrance_id':
        return options.entrances.find((e) => e.value === id)?.label ?? `#${v}`;
      case 'floor_id':
        return options.floors.find((f) => f.value === id)?.label ?? `#${v}`;
      case 'premise_id':
        return options.premiseLabels.get(id) ?? `#${v}`;
      case 'role':
        return t(linkRoleKey(v as LinkRole));
      default:
        return String(v);
    }
  };
  const removeChip = (key: FilterKey, v: string | number) =>
    update({ [key]: (state[key] as (string | number)[]).filter((x) => x !== v) } as Partial<ClientFilters>);

  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: filterCount > 0 ? 12 : 16 }}>
        <Flex gap={12} wrap align="center">
          <Input.Search
            allowClear
            value={searchText}
            placeholder={t('clients.search')}
            onChange={(e) => {
              setSearchText(e.target.value);
              if (e.target.value === '') update({ q: '' });
            }}
            onSearch={(v) => update({ q: v.trim() })}
            style={{ width: 420 }}
            data-testid="table-search"
          />
          <Badge count={filterCount} size="small" color="#1f5fd6" offset={[-4, 4]}>
            <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen(true)} data-testid="filters-button">
              {t('clients.filters')}
            </Button>
          </Badge>
          {filtered && (
            <Button type="link" onClick={() => update({ q: '', ...EMPTY_FILTERS })} data-testid="reset-button" style={{ paddingInline: 4 }}>
              {t('premises.reset')}
            </Button>
          )}
        </Flex>
        <Flex gap={8}>
          <Tooltip title={t('clients.exportHint')}>
            <Button
              icon={<DownloadOutlined />}
              href={clientsApi.exportUrl({ ...searchParams(state), sort: state.sort === DEFAULT_SORT ? undefined : state.sort })}
              download
              data-testid="export-button"
            >
              {t('premises.export')}
            </Button>
          </Tooltip>
          {isAdmin && (
            <Tooltip title={t('exchange.excel.importHint')}>
              <Button icon={<CloudUploadOutlined />} onClick={() => navigate('/import/excel?from=clients')} data-testid="import-button">
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
          {(state.debt_min !== undefined || state.debt_max !== undefined) && (
            <Tag closable onClose={() => update({ debt_min: undefined, debt_max: undefined })} style={{ marginInlineEnd: 0 }} data-testid="debt-chip">
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('clients.filter.debt')}:
              </Typography.Text>{' '}
              {state.debt_min !== undefined ? `${t('clients.filter.debtFrom').toLowerCase()} ${formatMoney(state.debt_min, lang)}` : ''}
              {state.debt_min !== undefined && state.debt_max !== undefined ? ' ' : ''}
              {state.debt_max !== undefined ? `${t('clients.filter.debtTo').toLowerCase()} ${formatMoney(state.debt_max, lang)}` : ''}
            </Tag>
          )}
        </Flex>
      )}
      <Table<ClientListItem>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={loading}
        // fixed widths but the premises': long addresses wrap there instead of squeezing the names
        tableLayout="fixed"
        onChange={onTableChange}
        showSorterTooltip={false}
        pagination={{
          current: state.page,
          pageSize: state.size,
          total,
          showSizeChanger: true,
          pageSizeOptions: PAGE_SIZES,
          showTotal: (n) =>
            totalCapped ? t('clients.totalCapped', { total: formatNumber(n, lang) }) : t('common.total', { total: n }),
        }}
        onRow={(row) => ({ onClick: () => navigate(`/clients/${row.id}`, { state: cardState }), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <EmptyState text={t('clients.empty')} filtered={filtered} /> }}
        data-testid="clients-table"
      />
      <ClientFiltersDrawer open={filtersOpen} onClose={() => setFiltersOpen(false)} value={state} onChange={update} options={options} />
      <ClientAddModal
        open={adding}
        onCancel={() => setAdding(false)}
        onCreated={(c) => {
          setAdding(false);
          message.success(t('client.created'));
          navigate(`/clients/${c.id}`, { state: cardState });
        }}
      />
    </>
  );
}
