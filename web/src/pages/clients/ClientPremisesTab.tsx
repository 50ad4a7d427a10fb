// The client card's «Помещения» tab (L-5): the client's links — address (to the premise card),
// role, the owner the role depends on, share; «Добавить» links a premise found by address
// through the same link modal as the premise card; a row edits or removes its link.
import { EditOutlined, ExclamationCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Flex, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { linksApi } from '../../api/resources';
import type { Link } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { useApiError } from '../../components/useApiError';
import { useI18n } from '../../i18n';
import { LinkDeleteButton } from '../links/LinkDeleteButton';
import { linkRoleKey, missingKey } from '../links/linkFields';
import { LinkModal } from '../links/LinkModal';
import { typeLabelKey } from '../premises/premiseTypes';

interface Props {
  clientId: number;
  canWrite: boolean;
  onChanged?: () => void;
}

export function ClientPremisesTab({ clientId, canWrite, onChanged }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const [items, setItems] = useState<Link[]>([]);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const [modal, setModal] = useState<{ link: Link | null } | null>(null);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    linksApi
      .ofClient(clientId)
      .then((res) => !cancelled && setItems(res.items))
      .catch((err) => !cancelled && showError(err))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [clientId, version, showError]);
  const reload = () => {
    setVersion((v) => v + 1);
    onChanged?.();
  };

  const columns: TableColumnsType<Link> = [
    {
      title: t('link.col.address'),
      key: 'address',
      render: (_v, l) => (
        <Flex vertical gap={2} align="flex-start">
          <RouterLink to={`/premises/${l.premise.id}?tab=clients`} data-testid="link-premise-address">
            {l.premise.address}
          </RouterLink>
          <Space size={4} wrap>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t(typeLabelKey(l.premise.type))}
            </Typography.Text>
            {l.missing.length > 0 && (
              <Tooltip title={`${t('link.missingTitle')} ${l.missing.map((m) => t(missingKey(m))).join(', ')}`}>
                <Tag color="warning" icon={<ExclamationCircleOutlined />} style={{ marginInlineEnd: 0, fontSize: 11 }} data-testid="oss-mark">
                  {t('link.noOssData')}
                </Tag>
              </Tooltip>
            )}
          </Space>
        </Flex>
      ),
    },
    { title: t('link.col.role'), key: 'role', width: 220, render: (_v, l) => <span data-testid="link-role-cell">{t(linkRoleKey(l.role))}</span> },
    {
      title: t('link.col.owner'),
      key: 'owner',
      render: (_v, l) =>
        l.owner ? <RouterLink to={`/clients/${l.owner.id}`}>{l.owner.full_name}</RouterLink> : <Typography.Text type="secondary">—</Typography.Text>,
    },
    { title: t('link.col.share'), key: 'share', width: 90, render: (_v, l) => <span data-testid="link-share">{l.ownership_share ?? '—'}</span> },
    {
      key: 'actions',
      width: 88,
      align: 'right',
      render: (_v, l) => (
        <Space size={4}>
          <Tooltip title={t('common.edit')}>
            <Button
              type="text"
              size="small"
              icon={<EditOutlined />}
              disabled={!canWrite}
              aria-label={t('common.edit')}
              data-action="edit"
              onClick={() => setModal({ link: l })}
            />
          </Tooltip>
          <LinkDeleteButton link={l} subject={l.premise.address} disabled={!canWrite} onDone={reload} />
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="client-premises-tab">
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{items.length > 0 ? t('common.total', { total: items.length }) : ''}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ link: null })} disabled={!canWrite} data-testid="link-add">
          {t('common.add')}
        </Button>
      </Flex>
      <Table<Link>
        rowKey={(l) => l.premise.id}
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        size="middle"
        locale={{ emptyText: <EmptyState text={t('link.emptyClient')} /> }}
        data-testid="client-premises-table"
      />
      <LinkModal
        open={modal !== null}
        context={{ kind: 'client', clientId }}
        link={modal?.link}
        onCancel={() => setModal(null)}
        onSaved={() => {
          message.success(modal?.link ? t('common.saved') : t('link.created'));
          setModal(null);
          reload();
        }}
      />
    </div>
  );
}
