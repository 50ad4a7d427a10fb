// Removing a link (L-5): a confirmation first; when the client is an owner with dependants the
// server answers 409 has_dependants, and a second dialog lists them and asks whether to remove
// them too or to re-point them to another owner of the premise.
import { DeleteOutlined } from '@ant-design/icons';
import { App, Alert, Button, List, Modal, Popconfirm, Radio, Select, Space, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { linksApi } from '../../api/resources';
import type { Link, LinkDependant } from '../../api/types';
import { useApiError } from '../../components/useApiError';
import { useI18n } from '../../i18n';
import { isOwnerRole, linkRoleKey } from './linkFields';

interface Props {
  link: Link;
  /** What the confirmation names: the client (premise tab) or the premise (client tab). */
  subject: string;
  disabled?: boolean;
  onDone: () => void;
}

export function LinkDeleteButton({ link, subject, disabled, onDone }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const premiseId = link.premise?.id ?? link.premise_id ?? 0;
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [dependants, setDependants] = useState<LinkDependant[] | null>(null);
  const [mode, setMode] = useState<'remove' | 'reassign'>('remove');
  const [newOwner, setNewOwner] = useState<number | undefined>();
  const [owners, setOwners] = useState<{ value: number; label: string }[]>([]);
  const [busy, setBusy] = useState(false);

  const removed = () => {
    message.success(t('link.removed'));
    setDependants(null);
    onDone();
  };

  const first = async () => {
    try {
      await linksApi.remove(premiseId, link.client_id);
      removed();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'has_dependants') {
        const list = (err.details?.dependants as LinkDependant[] | undefined) ?? [];
        setMode('remove');
        setNewOwner(undefined);
        setDependants(list);
        // the other owners of the premise, for re-pointing
        linksApi
          .ofPremise(premiseId)
          .then((res) =>
            setOwners(
              res.items
                .filter((l) => isOwnerRole(l.role) && l.client_id !== link.client_id)
                .map((l) => ({ value: l.client_id, label: l.client.full_name })),
            ),
          )
          .catch(() => setOwners([]));
      } else showError(err);
    }
  };

  const second = async () => {
    if (mode === 'reassign' && !newOwner) return;
    setBusy(true);
    try {
      await linksApi.remove(
        premiseId,
        link.client_id,
        mode === 'remove' ? { dependants: 'remove' } : { dependants: 'reassign', owner_client_id: newOwner as number },
      );
      removed();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  const button = (
    <Button danger type="text" size="small" icon={<DeleteOutlined />} disabled={disabled} aria-label={t('link.remove')} data-action="delete" />
  );

  return (
    <>
      <Popconfirm
        title={t('link.removeTitle')}
        description={<div style={{ maxWidth: 320 }}>{t('link.removeText', { subject })}</div>}
        okText={t('common.delete')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true }}
        onConfirm={first}
        disabled={disabled}
        open={confirmOpen}
        onOpenChange={setConfirmOpen}
      >
        <Tooltip title={t('link.remove')} {...(confirmOpen ? { open: false } : {})}>
          {button}
        </Tooltip>
      </Popconfirm>
      <Modal
        open={dependants !== null}
        title={t('link.dependantsTitle')}
        onCancel={() => setDependants(null)}
        onOk={second}
        okText={mode === 'remove' ? t('link.removeWithDependants') : t('link.reassignAndRemove')}
        okButtonProps={{ danger: mode === 'remove', disabled: mode === 'reassign' && !newOwner }}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        width={520}
      >
        <div data-testid="dependants-modal">
          <Typography.Paragraph>{t('link.dependantsText', { name: link.client.full_name })}</Typography.Paragraph>
          <List
            size="small"
            bordered
            dataSource={dependants ?? []}
            style={{ marginBottom: 16 }}
            renderItem={(d) => (
              <List.Item>
                <span>{d.full_name}</span>
                <Typography.Text type="secondary">{t(linkRoleKey(d.role))}</Typography.Text>
              </List.Item>
            )}
          />
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)} data-testid="dependants-mode">
            <Space direction="vertical">
              <Radio value="remove">{t('link.dependantsRemove')}</Radio>
              <Radio value="reassign" disabled={owners.length === 0}>
                {t('link.dependantsReassign')}
              </Radio>
            </Space>
          </Radio.Group>
          {mode === 'reassign' && (
            <Select
              style={{ width: '100%', marginTop: 12 }}
              options={owners}
              value={newOwner}
              onChange={setNewOwner}
              placeholder={t('link.ownerPlaceholder')}
              data-testid="dependants-owner"
            />
          )}
          {owners.length === 0 && (
            <Alert type="info" showIcon style={{ marginTop: 12 }} message={t('link.noOtherOwners')} />
          )}
        </div>
      </Modal>
    </>
  );
}
