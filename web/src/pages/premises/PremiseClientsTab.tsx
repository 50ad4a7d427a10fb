// The premise card's «Клиенты» tab (L-1…L-6): the linked clients with role, the owner a role
// depends on, share and ДДУ; owners lacking owners'-meeting data are marked, a premise without
// area is warned about; «Добавить» links a client found by name or phone, a row edits or
// removes its link.
import { EditOutlined, ExclamationCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { linksApi } from '../../api/resources';
import type { Link, PremiseLinks } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { useApiError } from '../../components/useApiError';
import { useI18n } from '../../i18n';
import { formatDate } from '../../utils/format';
import { LinkDeleteButton } from '../links/LinkDeleteButton';
import { linkRoleKey, missingKey } from '../links/linkFields';
import { LinkModal } from '../links/LinkModal';

interface Props {
  premiseId: number;
  canWrite: boolean;
  /** Opens the «Общие сведения» tab (to fill the area). */
  onOpenGeneral: () => void;
  /** A link changed (the premise's history has a new entry). */
  onChanged?: () => void;
}

export function PremiseClientsTab({ premiseId, canWrite, onOpenGeneral, onChanged }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const [data, setData] = useState<PremiseLinks | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const [modal, setModal] = useState<{ link: Link | null } | null>(null);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    linksApi
      .ofPremise(premiseId)
      .then((res) => !cancelled && setData(res))
      .catch((err) => !cancelled && showError(err))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [premiseId, version, showError]);

  const reload = useCallback(() => {
    setVersion((v) => v + 1);
    onChanged?.();
  }, [onChanged]);

  const noArea = data?.readiness?.premise_missing?.includes('total_area') ?? false;
  const incomplete = data?.readiness?.owners_incomplete ?? 0;

  const columns: TableColumnsType<Link> = [
    {
      title: t('link.col.name'),
      key: 'name',
      render: (_v, l) => (
        <Flex vertical gap={2} align="flex-start">
          <RouterLink to={`/clients/${l.client_id}`} data-testid="link-client-name">
            <Typography.Text strong style={{ color: 'inherit' }}>
              {l.client.full_name || '—'}
            </Typography.Text>
          </RouterLink>
          <Space size={4} wrap>
            {l.missing.length > 0 && (
              <Tooltip
                title={
                  <>
                    <div>{t('link.missingTitle')}</div>
                    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                      {l.missing.map((m) => (
                        <li key={m}>{t(missingKey(m))}</li>
                      ))}
                    </ul>
                  </>
                }
              >
                <Tag color="warning" icon={<ExclamationCircleOutlined />} style={{ marginInlineEnd: 0 }} data-testid="oss-mark">
                  {t('link.noOssData')}
                </Tag>
              </Tooltip>
            )}
            {l.created_by === 'resident_app' && (
              <Tag bordered={false} style={{ marginInlineEnd: 0, fontSize: 11 }}>
                {t('link.fromApp')}
              </Tag>
            )}
            {l.client.status === 'blocked' && (
              <Tag color="red" bordered={false} style={{ marginInlineEnd: 0, fontSize: 11 }}>
                {t('client.status.blocked')}
              </Tag>
            )}
          </Space>
        </Flex>
      ),
    },
    {
      title: t('link.col.phone'),
      key: 'phone',
      width: 170,
      render: (_v, l) => <span style={{ whiteSpace: 'nowrap' }}>{l.client.phone_formatted ?? '—'}</span>,
    },
    { title: t('link.col.role'), key: 'role', width: 220, render: (_v, l) => <span style={{ whiteSpace: 'nowrap' }} data-testid="link-role-cell">{t(linkRoleKey(l.role))}</span> },
    {
      title: t('link.col.owner'),
      key: 'owner',
      render: (_v, l) =>
        l.owner ? <RouterLink to={`/clients/${l.owner.id}`}>{l.owner.full_name}</RouterLink> : <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('link.col.share'),
      key: 'share',
      width: 90,
      render: (_v, l) => <span data-testid="link-share">{l.ownership_share ?? '—'}</span>,
    },
    {
      title: t('link.col.ddu'),
      key: 'ddu',
      width: 190,
      render: (_v, l) =>
        l.ddu_number || l.ddu_date ? (
          <span>
            {l.ddu_number ? `№ ${l.ddu_number}` : ''}
            {l.ddu_number && l.ddu_date ? ` ${t('link.from')} ` : ''}
            {l.ddu_date ? formatDate(l.ddu_date) : ''}
          </span>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
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
          <LinkDeleteButton link={l} subject={l.client.full_name} disabled={!canWrite} onDone={reload} />
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="premise-clients-tab">
      {noArea && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('link.noArea')}
          description={t('link.noAreaText')}
          action={
            <Button size="small" onClick={onOpenGeneral}>
              {t('link.fillArea')}
            </Button>
          }
          data-testid="no-area-alert"
        />
      )}
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary" data-testid="owners-incomplete">
          {incomplete > 0 ? t('link.ownersIncomplete', { n: incomplete }) : data && data.total > 0 ? t('common.total', { total: data.total }) : ''}
        </Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ link: null })} disabled={!canWrite} data-testid="link-add">
          {t('common.add')}
        </Button>
      </Flex>
      <Table<Link>
        rowKey="client_id"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        pagination={false}
        size="middle"
        locale={{ emptyText: <EmptyState text={t('link.emptyPremise')} /> }}
        data-testid="premise-clients-table"
      />
      <LinkModal
        open={modal !== null}
        context={{ kind: 'premise', premiseId }}
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
