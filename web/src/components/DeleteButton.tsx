// Delete action with a confirmation; a 409 in_use answer shows the server's message.
import { DeleteOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Tooltip } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n';
import { useApiError } from './useApiError';

interface Props {
  onDelete: () => Promise<unknown>;
  onDone: () => void;
  disabled?: boolean;
  /** Text on the button; icon-only when absent. */
  label?: string;
}

export function DeleteButton({ onDelete, onDone, disabled, label }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  // the hover tooltip would cover the confirmation's buttons
  const [confirmOpen, setConfirmOpen] = useState(false);

  const confirm = async () => {
    try {
      await onDelete();
      message.success(t('common.deleted'));
      onDone();
    } catch (err) {
      showError(err);
    }
  };

  const button = (
    <Button
      danger
      type="text"
      size="small"
      icon={<DeleteOutlined />}
      disabled={disabled}
      aria-label={t('common.delete')}
      data-action="delete"
    >
      {label}
    </Button>
  );

  return (
    <Popconfirm
      title={t('common.deleteConfirm')}
      description={t('common.deleteConfirmText')}
      okText={t('common.delete')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      onConfirm={confirm}
      disabled={disabled}
      open={confirmOpen}
      onOpenChange={setConfirmOpen}
    >
      {label ? (
        button
      ) : (
        <Tooltip title={t('common.delete')} {...(confirmOpen ? { open: false } : {})}>
          {button}
        </Tooltip>
      )}
    </Popconfirm>
  );
}
