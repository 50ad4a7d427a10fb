// «Объекты» tab: objects filtered by group and quarter; a row opens the object card.
import { App, Select, Table, Typography, type TableColumnsType } from 'antd';
import { useCallback, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { objectGroupsApi, objectsApi, quartersApi } from '../../api/resources';
import type { ObjectGroup, Quarter, RealtyObject, RealtyObjectInput } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { EmptyState } from '../../components/EmptyState';
import { FormModal } from '../../components/FormModal';
import { RowActions } from '../../components/RowActions';
import { TableToolbar } from '../../components/TableToolbar';
import { searchableSelect, useOptions } from '../../components/useOptions';
import { useServerList } from '../../components/useServerList';
import { useI18n } from '../../i18n';
import { compactBody, formatAddress, formatDateTime, patchBody } from '../../utils/format';
import { ObjectFormFields } from './ObjectFormFields';

const groupLabel = (g: ObjectGroup) => g.name;
const quarterLabel = (q: Quarter) => q.name;

type Filters = { object_group_id?: number; quarter_id?: number };

export function ObjectsTab({ refKey }: { refKey: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { canWrite } = useAuth();
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({});
  const list = useServerList<RealtyObject, Filters>(objectsApi.list, filters);
  const groups = useOptions(objectGroupsApi.list, groupLabel, refKey);
  // all quarters, for names in the table; the filter narrows them by the chosen group
  const quarters = useOptions(quartersApi.list, quarterLabel, refKey);
  const quarterFilterOptions = filters.object_group_id
    ? quarters.items.filter((q) => q.object_group_id === filters.object_group_id).map((q) => ({ value: q.id, label: q.name }))
    : quarters.options;
  const [editing, setEditing] = useState<RealtyObject | 'new' | null>(null);
  const open = useCallback((id: number) => navigate(`/objects/${id}`), [navigate]);

  const columns: TableColumnsType<RealtyObject> = [
    {
      title: t('object.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string, row) => (
        <Link to={`/objects/${row.id}`} onClick={(e) => e.stopPropagation()}>
          <Typography.Text strong style={{ color: 'inherit' }}>
            {name}
          </Typography.Text>
        </Link>
      ),
    },
    { title: t('object.address'), key: 'address', render: (_, row) => formatAddress(row) },
    {
      title: t('object.group'),
      dataIndex: 'object_group_id',
      key: 'group',
      render: (id: number | null) => (id ? groups.byId.get(id)?.name ?? `#${id}` : '—'),
    },
    {
      title: t('object.quarter'),
      dataIndex: 'quarter_id',
      key: 'quarter',
      render: (id: number | null) => (id ? quarters.byId.get(id)?.name ?? `#${id}` : '—'),
    },
    { title: t('common.updatedAt'), dataIndex: 'updated_at', key: 'updated_at', width: 160, render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      align: 'right',
      render: (_, row) => (
        <RowActions
          canWrite={canWrite}
          onEdit={() => setEditing(row)}
          onDelete={() => objectsApi.remove(row.id)}
          onDeleted={list.reload}
        />
      ),
    },
  ];

  const current = editing === 'new' ? null : editing;
  return (
    <>
      <TableToolbar
        onSearch={list.setQ}
        onAdd={() => setEditing('new')}
        canAdd={canWrite}
        filters={
          <>
            <Select
              {...searchableSelect}
              placeholder={t('object.filterGroup')}
              options={groups.options}
              loading={groups.loading}
              value={filters.object_group_id}
              onChange={(v?: number) =>
                setFilters((f) => {
                  const q = f.quarter_id ? quarters.byId.get(f.quarter_id) : undefined;
                  const keepQuarter = v && q && q.object_group_id === v;
                  return { object_group_id: v ?? undefined, quarter_id: keepQuarter ? f.quarter_id : undefined };
                })
              }
              style={{ width: 220 }}
              data-testid="filter-group"
            />
            <Select
              {...searchableSelect}
              placeholder={t('object.filterQuarter')}
              options={quarterFilterOptions}
              loading={quarters.loading}
              value={filters.quarter_id}
              onChange={(v?: number) => setFilters((f) => ({ ...f, quarter_id: v ?? undefined }))}
              style={{ width: 220 }}
              data-testid="filter-quarter"
            />
          </>
        }
      />
      <Table<RealtyObject>
        rowKey="id"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={list.pagination}
        onRow={(row) => ({ onClick: () => open(row.id), style: { cursor: 'pointer' } })}
        locale={{
          emptyText: <EmptyState text={t('object.empty')} filtered={!!list.q || !!filters.object_group_id || !!filters.quarter_id} />,
        }}
        data-testid="objects-table"
      />
      <FormModal<RealtyObjectInput>
        name="object"
        width={640}
        open={editing !== null}
        title={current ? t('object.edit') : t('object.new')}
        initialValues={
          current
            ? {
                name: current.name,
                object_group_id: current.object_group_id ?? undefined,
                quarter_id: current.quarter_id ?? undefined,
                city: current.city ?? undefined,
                street: current.street,
                house: current.house,
                external_id: current.external_id ?? undefined,
              }
            : { object_group_id: filters.object_group_id, quarter_id: filters.quarter_id }
        }
        onCancel={() => setEditing(null)}
        onSubmit={(v) => (current ? objectsApi.update(current.id, patchBody(v)) : objectsApi.create(compactBody(v) as RealtyObjectInput))}
        onDone={() => {
          setEditing(null);
          message.success(current ? t('common.saved') : t('common.created'));
          list.reload();
        }}
      >
        <ObjectFormFields autoFocus />
      </FormModal>
    </>
  );
}
