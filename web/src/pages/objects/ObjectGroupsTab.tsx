// «Группы объектов»: list, add, edit, delete.
import { App, Form, Input, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { objectGroupsApi } from '../../api/resources';
import type { ObjectGroup, ObjectGroupInput } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { EmptyState } from '../../components/EmptyState';
import { FormModal } from '../../components/FormModal';
import { RowActions } from '../../components/RowActions';
import { TableToolbar } from '../../components/TableToolbar';
import { useServerList } from '../../components/useServerList';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../utils/format';

export function ObjectGroupsTab({ onChanged }: { onChanged?: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { canWrite } = useAuth();
  const list = useServerList<ObjectGroup>(objectGroupsApi.list);
  const [editing, setEditing] = useState<ObjectGroup | 'new' | null>(null);

  const columns: TableColumnsType<ObjectGroup> = [
    { title: t('group.name'), dataIndex: 'name', key: 'name' },
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
          onDelete={() => objectGroupsApi.remove(row.id)}
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
      <TableToolbar onSearch={list.setQ} onAdd={() => setEditing('new')} canAdd={canWrite} />
      <Table<ObjectGroup>
        rowKey="id"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={list.pagination}
        locale={{ emptyText: <EmptyState text={t('group.empty')} filtered={!!list.q} /> }}
        data-testid="groups-table"
      />
      <FormModal<ObjectGroupInput>
        name="group"
        open={editing !== null}
        title={current ? t('group.edit') : t('group.new')}
        initialValues={current ? { name: current.name } : {}}
        onCancel={() => setEditing(null)}
        onSubmit={(v) => (current ? objectGroupsApi.update(current.id, { name: v.name.trim() }) : objectGroupsApi.create({ name: v.name.trim() }))}
        onDone={() => {
          message.success(current ? t('common.saved') : t('common.created'));
          setEditing(null);
          list.reload();
          onChanged?.();
        }}
      >
        <Form.Item label={t('group.name')} name="name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={200} autoFocus />
        </Form.Item>
      </FormModal>
    </>
  );
}
