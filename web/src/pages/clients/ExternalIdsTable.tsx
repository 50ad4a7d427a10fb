// External ids of a client («Прочее», C-8; P-4): space, system, value, note; add, edit, add or
// remove the note, delete. Ids of the other space than the user's are shown read-only (the
// server answers 403 to changing them). Each action is saved at once, apart from the card's
// «Сохранить».
import { DeleteOutlined, EditOutlined, LockOutlined, MessageOutlined, MoreOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Flex, Form, Input, Table, Tag, Tooltip, Typography, type MenuProps, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { externalIdsApi } from '../../api/resources';
import type { ExternalId, Space } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useApiError } from '../../components/useApiError';
import { useI18n, type MessageKey } from '../../i18n';

interface Props {
  clientId: number;
  initial: ExternalId[];
  space: Space | undefined;
  canWrite: boolean;
  /** After any change (the card's history reloads). */
  onChanged: () => void;
}

type Editing =
  | { kind: 'add' }
  | { kind: 'edit'; item: ExternalId }
  | { kind: 'note'; item: ExternalId };

interface Values {
  system?: string;
  value?: string;
  note?: string;
}

export const spaceKey = (s: Space) => `space.${s}` as MessageKey;

export function ExternalIdsTable({ clientId, initial, space, canWrite, onChanged }: Props) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useApiError();
  const [items, setItems] = useState<ExternalId[]>(initial);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState<Editing | null>(null);
  const api = externalIdsApi(clientId);

  useEffect(() => setItems(initial), [initial]);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setItems((await externalIdsApi(clientId).list()).items);
    } catch (err) {
      showError(err);
    } finally {
      setLoading(false);
    }
  }, [clientId, showError]);

  const changed = () => {
    void reload();
    onChanged();
  };

  const removeNote = async (item: ExternalId) => {
    try {
      await api.update(item.id, { note: null });
      message.success(t('extId.noteRemoved'));
      changed();
    } catch (err) {
      showError(err);
    }
  };

  const confirmDelete = (item: ExternalId) =>
    modal.confirm({
      title: t('extId.deleteTitle'),
      content: t('extId.deleteText', { system: item.system, value: item.value }),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.remove(item.id);
          message.success(t('extId.deleted'));
          changed();
        } catch (err) {
          showError(err);
        }
      },
    });

  const rowMenu = (item: ExternalId): MenuProps['items'] => [
    { key: 'edit', icon: <EditOutlined />, label: t('common.edit') },
    item.note
      ? { key: 'note', icon: <MessageOutlined />, label: t('extId.editNote') }
      : { key: 'note', icon: <MessageOutlined />, label: t('extId.addNote') },
    ...(item.note ? [{ key: 'removeNote', icon: <MessageOutlined />, label: t('extId.removeNote') }] : []),
    { type: 'divider' as const },
    { key: 'delete', icon: <DeleteOutlined />, label: t('common.delete'), danger: true },
  ];
  const onRowAction = (item: ExternalId, key: string) => {
    if (key === 'edit') setEditing({ kind: 'edit', item });
    else if (key === 'note') setEditing({ kind: 'note', item });
    else if (key === 'removeNote') void removeNote(item);
    else if (key === 'delete') confirmDelete(item);
  };

  const columns: TableColumnsType<ExternalId> = [
    {
      title: t('extId.space'),
      dataIndex: 'space',
      key: 'space',
      width: 170,
      render: (s: Space) => (
        <Tag color={s === 'operations' ? 'blue' : 'orange'} bordered={false}>
          {t(spaceKey(s))}
        </Tag>
      ),
    },
    { title: t('extId.system'), dataIndex: 'system', key: 'system', width: 150 },
    {
      title: t('extId.value'),
      dataIndex: 'value',
      key: 'value',
      render: (v: string) => <Typography.Text copyable={{ text: v }}>{v}</Typography.Text>,
    },
    {
      title: t('extId.note'),
      dataIndex: 'note',
      key: 'note',
      render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      key: 'actions',
      width: 56,
      align: 'right',
      render: (_v, item) => {
        const foreign = item.space !== space;
        const button = (
          <Button
            type="text"
            size="small"
            icon={foreign ? <LockOutlined /> : <MoreOutlined />}
            disabled={foreign || !canWrite}
            aria-label={t('common.actions')}
            data-testid="ext-actions"
          />
        );
        if (foreign) {
          return (
            <Tooltip title={t('extId.otherSpace', { space: t(spaceKey(item.space)) })}>
              <span data-testid="ext-readonly">{button}</span>
            </Tooltip>
          );
        }
        return (
          <Dropdown
            menu={{ items: rowMenu(item), onClick: ({ key }) => onRowAction(item, key) }}
            trigger={['click']}
            placement="bottomRight"
            disabled={!canWrite}
          >
            {button}
          </Dropdown>
        );
      },
    },
  ];

  const submit = (v: Values) => {
    if (!editing) return Promise.resolve();
    const note = v.note?.trim() ? v.note.trim() : null;
    if (editing.kind === 'add') return api.create({ system: (v.system ?? '').trim(), value: (v.value ?? '').trim(), ...(note ? { note } : {}) });
    if (editing.kind === 'edit') return api.update(editing.item.id, { system: (v.system ?? '').trim(), value: (v.value ?? '').trim(), note });
    return api.update(editing.item.id, { note });
  };

  const modalTitle =
    editing?.kind === 'add' ? t('extId.new') : editing?.kind === 'edit' ? t('extId.edit') : editing?.item.note ? t('extId.editNote') : t('extId.addNote');

  return (
    <div data-testid="external-ids">
      <Table<ExternalId>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        rowClassName={(r) => (r.space !== space ? 'ext-id-foreign' : '')}
        locale={{ emptyText: t('extId.empty') }}
        data-testid="external-ids-table"
      />
      <Flex justify="space-between" align="center" style={{ marginTop: 12 }} gap={12} wrap>
        <Button icon={<PlusOutlined />} onClick={() => setEditing({ kind: 'add' })} disabled={!canWrite || !space} data-testid="ext-add">
          {t('extId.add')}
        </Button>
        {space && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('extId.spaceHint', { space: t(spaceKey(space)) })}
          </Typography.Text>
        )}
      </Flex>
      <FormModal<Values>
        name="external_id"
        open={editing !== null}
        title={modalTitle}
        initialValues={
          editing?.kind === 'add'
            ? { system: 'crm' }
            : editing
              ? { system: editing.item.system, value: editing.item.value, note: editing.item.note ?? undefined }
              : undefined
        }
        onCancel={() => setEditing(null)}
        onSubmit={submit}
        onDone={() => {
          message.success(t('common.saved'));
          setEditing(null);
          changed();
        }}
      >
        {editing?.kind !== 'note' && (
          <>
            <Form.Item label={t('extId.system')} name="system" rules={[{ required: true, whitespace: true, message: t('common.required') }]} extra={t('extId.systemHint')}>
              <Input maxLength={50} />
            </Form.Item>
            <Form.Item label={t('extId.value')} name="value" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input maxLength={100} autoFocus />
            </Form.Item>
          </>
        )}
        {(editing?.kind === 'note' || (editing?.kind === 'edit' && editing.item.note) || editing?.kind === 'add') && (
          <Form.Item label={t('extId.note')} name="note" extra={t('extId.noteHint')}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} autoFocus={editing?.kind === 'note'} />
          </Form.Item>
        )}
      </FormModal>
    </div>
  );
}
