// «Кварталы»: list filtered by object group, add, edit, delete.
import { App, Form, Input, Select, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { objectGroupsApi, quartersApi } from '../../api/resources';
import type { ObjectGroup, Quarter, QuarterInput } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { EmptyState } from '../../components/EmptyState';
import { FormModal } from '../../components/FormModal';
import { RowActions } from '../../components/RowActions';
import { TableToolbar } from '../../components/TableToolbar';
import { searchableSelect, useOptions } from '../../components/useOptions';
import { useServerList } from '../../components/useServerList';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../utils/format';

const groupLabel = (g: ObjectGroup) => g.name;

export function QuartersTab({ refKey, onChanged }: { refKey: number; onChanged?: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { canWrite } = useAuth();
  const [groupFilter, setGroupFilter] = useState<number | undefined>();
  const list = useServerList<Quarter, { object_group_id?: number }>(quartersApi.list, { object_group_id: groupFilter });
  const groups = useOptions(objectGroupsApi.list, groupLabel, refKey);
  const [editing, setEditing] = useState<Quarter | 'new' | null>(null);

  const columns: TableColumnsType<Quarter> = [
    { title: t('quarter.name'), dataIndex: 'name', key: 'name' },
    {
      title: t('quarter.group'),
      dataIndex: 'object_group_id',
      key: 'group',
      render: (id: number) => groups.byId.get(id)?.name ?? `#${id}`,
    },
    { title: t('common.createdAt'), dataIndex: 'created_at', key: 'created_at', width: 170, render: formatDateTime },
    { title: t('common.updatedAt'), dataIndex: 'updated_at', key: 'updated_at', width: 170, render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      align: 'right',
      render: (_, row) => (
        <RowActions
          canWrite={canWrite}
          onEdit={() => setEditing(row)}
          onDelete={() => quartersApi.remove(row.id)}
          onDeleted={() => {
            list.reload();
            onChanged?.();
          }}
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
          <Select
            {...searchableSelect}
            placeholder={t('quarter.filterGroup')}
            options={groups.options}
            loading={groups.loading}
            value={groupFilter}
            onChange={(v) => setGroupFilter(v ?? undefined)}
            style={{ width: 240 }}
            data-testid="filter-group"
          />
        }
      />
      <Table<Quarter>
        rowKey="id"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={list.pagination}
        locale={{ emptyText: <EmptyState text={t('quarter.empty')} filtered={!!list.q || !!groupFilter} /> }}
        data-testid="quarters-table"
      />
      <FormModal<QuarterInput>
        name="quarter"
        open={editing !== null}
        title={current ? t('quarter.edit') : t('quarter.new')}
        initialValues={current ? { name: current.name, object_group_id: current.object_group_id } : { object_group_id: groupFilter }}
        onCancel={() => setEditing(null)}
        onSubmit={(v) => {
          const body = { name: v.name.trim(), object_group_id: v.object_group_id };
          return current ? quartersApi.update(current.id, body) : quartersApi.create(body);
        }}
        onDone={() => {
          message.success(current ? t('common.saved') : t('common.created'));
          setEditing(null);
          list.reload();
          onChanged?.();
        }}
      >
        <Form.Item label={t('quarter.name')} name="name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={200} autoFocus />
        </Form.Item>
        <Form.Item label={t('quarter.group')} name="object_group_id" rules={[{ required: true, message: t('common.required') }]}>
          <Select {...searchableSelect} allowClear={false} options={groups.options} loading={groups.loading} placeholder={t('common.notSelected')} />
        </Form.Item>
      </FormModal>
    </>
  );
}
