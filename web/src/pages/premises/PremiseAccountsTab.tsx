// The premise card's «Лицевые счета» tab (A-1…A-4): the accounts with their legal entity, ЕЛС
// and debt, the «hidden in the resident app» switch (saved at once), add / edit, delete after a
// confirmation that counts the charges and payments going with the account; a row expands to
// its charges and payments (AccountLedger).
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Col, Flex, Form, Input, Row, Select, Space, Switch, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useState } from 'react';
import { accountsApi, legalEntitiesApi } from '../../api/resources';
import type { Account, AccountCreate, LegalEntity } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { FormModal } from '../../components/FormModal';
import { useApiError } from '../../components/useApiError';
import { searchableSelect, useOptions } from '../../components/useOptions';
import { useI18n } from '../../i18n';
import { AccountLedger, Money } from './AccountLedger';

interface Props {
  premiseId: number;
  canWrite: boolean;
}

interface AccountValues {
  legal_entity_id: number;
  number: string;
  unified_account?: string;
  external_id?: string;
  hidden_from_resident?: boolean;
}

const legalLabel = (l: LegalEntity) => l.name;

export function PremiseAccountsTab({ premiseId, canWrite }: Props) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useApiError();
  const [items, setItems] = useState<Account[]>([]);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<{ account: Account | null } | null>(null);
  const [expanded, setExpanded] = useState<number[]>([]);
  const [toggling, setToggling] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    accountsApi
      .ofPremise(premiseId)
      .then((res) => !cancelled && setItems(res.items))
      .catch((err) => !cancelled && showError(err))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [premiseId, version, showError]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  const toggleHidden = async (a: Account, hidden: boolean) => {
    setToggling(a.id);
    try {
      const updated = await accountsApi.update(a.id, { hidden_from_resident: hidden });
      setItems((list) => list.map((x) => (x.id === a.id ? updated : x)));
      message.success(hidden ? t('account.hiddenOn') : t('account.hiddenOff'));
    } catch (err) {
      showError(err);
    } finally {
      setToggling(null);
    }
  };

  const confirmDelete = async (a: Account) => {
    setDeleting(a.id);
    let deps;
    try {
      deps = await accountsApi.dependents(a.id);
    } catch (err) {
      showError(err);
      return;
    } finally {
      setDeleting(null);
    }
    modal.confirm({
      title: t('account.deleteTitle', { number: a.number }),
      content: (
        <div data-testid="account-delete-text">
          <p style={{ marginTop: 0 }}>
            {deps.charges > 0 || deps.payments > 0
              ? t('account.deleteWith', { charges: deps.charges, payments: deps.payments })
              : t('account.deleteEmpty')}
          </p>
          <p style={{ marginBottom: 0 }}>{t('premise.deleteIrreversible')}</p>
        </div>
      ),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      width: 480,
      onOk: async () => {
        try {
          await accountsApi.remove(a.id);
          message.success(t('account.deleted'));
          reload();
        } catch (err) {
          showError(err);
        }
      },
    });
  };

  const columns: TableColumnsType<Account> = [
    {
      title: t('account.col.number'),
      dataIndex: 'number',
      key: 'number',
      render: (v: string, a) => (
        <Flex vertical gap={0}>
          <Typography.Text strong data-testid="account-number">
            {v}
          </Typography.Text>
          {a.external_id && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('account.externalIdShort', { id: a.external_id })}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('account.col.unified'),
      dataIndex: 'unified_account',
      key: 'unified',
      width: 150,
      render: (v: string | null) => (v ? <span style={{ fontFamily: 'monospace' }}>{v}</span> : <Typography.Text type="secondary">—</Typography.Text>),
    },
    { title: t('account.col.legalEntity'), key: 'legal', render: (_v, a) => a.legal_entity?.name ?? `#${a.legal_entity_id}` },
    {
      title: t('account.col.debt'),
      dataIndex: 'debt',
      key: 'debt',
      align: 'right',
      width: 170,
      render: (v: number) => <Money kopecks={v} debt />,
    },
    {
      title: <span style={{ whiteSpace: 'nowrap' }}>{t('account.col.hidden')}</span>,
      key: 'hidden',
      width: 180,
      align: 'center',
      render: (_v, a) => (
        <span onClick={(e) => e.stopPropagation()}>
          <Switch
            size="small"
            checked={a.hidden_from_resident}
            loading={toggling === a.id}
            disabled={!canWrite}
            onChange={(v) => toggleHidden(a, v)}
            aria-label={t('account.col.hidden')}
            data-testid="account-hidden"
          />
        </span>
      ),
    },
    {
      key: 'actions',
      width: 88,
      align: 'right',
      render: (_v, a) => (
        <Space size={4} onClick={(e) => e.stopPropagation()}>
          <Tooltip title={t('common.edit')}>
            <Button type="text" size="small" icon={<EditOutlined />} disabled={!canWrite} aria-label={t('common.edit')} data-action="edit" onClick={() => setEditing({ account: a })} />
          </Tooltip>
          <Tooltip title={t('common.delete')}>
            <Button
              danger
              type="text"
              size="small"
              icon={<DeleteOutlined />}
              loading={deleting === a.id}
              disabled={!canWrite}
              aria-label={t('common.delete')}
              data-action="delete"
              onClick={() => confirmDelete(a)}
            />
          </Tooltip>
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="premise-accounts-tab">
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{items.length > 0 ? t('account.expandHint') : ''}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ account: null })} disabled={!canWrite} data-testid="account-add">
          {t('common.add')}
        </Button>
      </Flex>
      <Table<Account>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        size="middle"
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: (keys) => setExpanded(keys as number[]),
          expandRowByClick: true,
          expandedRowRender: (a) => <AccountLedger account={a} canWrite={canWrite} onChanged={reload} />,
        }}
        locale={{ emptyText: <EmptyState text={t('account.empty')} /> }}
        data-testid="premise-accounts-table"
      />
      <AccountModal
        open={editing !== null}
        premiseId={premiseId}
        account={editing?.account ?? null}
        onCancel={() => setEditing(null)}
        onSaved={(a, created) => {
          setEditing(null);
          message.success(created ? t('account.created') : t('common.saved'));
          if (created) setExpanded((keys) => [...keys, a.id]);
          reload();
        }}
      />
    </div>
  );
}

interface ModalProps {
  open: boolean;
  premiseId: number;
  account: Account | null;
  onCancel: () => void;
  onSaved: (a: Account, created: boolean) => void;
}

function AccountModal({ open, premiseId, account, onCancel, onSaved }: ModalProps) {
  const { t } = useI18n();
  const legal = useOptions(legalEntitiesApi.list, legalLabel, open ? 'open' : null);
  const initial: Partial<AccountValues> = account
    ? {
        legal_entity_id: account.legal_entity_id,
        number: account.number,
        unified_account: account.unified_account ?? undefined,
        external_id: account.external_id ?? undefined,
        hidden_from_resident: account.hidden_from_resident,
      }
    : { hidden_from_resident: false, legal_entity_id: legal.items.length === 1 ? legal.items[0].id : undefined };

  const submit = (v: AccountValues) => {
    const text = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : null);
    const body: AccountCreate = {
      legal_entity_id: v.legal_entity_id,
      number: v.number.trim(),
      unified_account: text(v.unified_account?.replace(/\s+/g, '').toUpperCase()),
      external_id: text(v.external_id),
      hidden_from_resident: !!v.hidden_from_resident,
    };
    if (account) return accountsApi.update(account.id, body);
    if (body.unified_account === null) delete body.unified_account;
    if (body.external_id === null) delete body.external_id;
    return accountsApi.create(premiseId, body);
  };

  return (
    <FormModal<AccountValues>
      // remount when the only legal entity arrives, so it is preselected
      key={account ? `edit-${account.id}` : `new-${legal.items.length === 1 ? legal.items[0].id : 0}`}
      open={open}
      name="account"
      width={560}
      title={account ? t('account.edit') : t('account.new')}
      initialValues={initial}
      onCancel={onCancel}
      onSubmit={submit}
      onDone={(r) => onSaved(r as Account, !account)}
    >
      <Form.Item label={t('account.legalEntity')} name="legal_entity_id" rules={[{ required: true, message: t('account.legalEntityRequired') }]}>
        <Select
          {...searchableSelect}
          options={legal.options}
          loading={legal.loading}
          placeholder={t('account.legalEntityPlaceholder')}
          notFoundContent={legal.loading ? undefined : t('account.noLegalEntities')}
        />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item label={t('account.number')} name="number" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={50} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item
            label={t('account.unified')}
            name="unified_account"
            // the format is checked by the server, whose message lands under the field
            extra={t('account.unifiedHint')}
          >
            <Input maxLength={14} placeholder="12АБ345678" style={{ textTransform: 'uppercase' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('account.externalId')} name="external_id" extra={t('account.externalIdHint')}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item label={t('account.hidden')} name="hidden_from_resident" valuePropName="checked" extra={t('account.hiddenHint')}>
        <Switch />
      </Form.Item>
    </FormModal>
  );
}
