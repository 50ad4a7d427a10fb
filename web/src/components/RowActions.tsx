// Edit + delete buttons of a table row.
import { EditOutlined } from '@ant-design/icons';
import { Button, Space, Tooltip } from 'antd';
import { useI18n } from '../i18n';
import { DeleteButton } from './DeleteButton';

interface Props {
  onEdit: () => void;
  onDelete: () => Promise<unknown>;
  onDeleted: () => void;
  canWrite: boolean;
}

export function RowActions({ onEdit, onDelete, onDeleted, canWrite }: Props) {
  const { t } = useI18n();
  return (
    <Space size={4} onClick={(e) => e.stopPropagation()}>
      <Tooltip title={t('common.edit')}>
        <Button type="text" size="small" icon={<EditOutlined />} onClick={onEdit} disabled={!canWrite} aria-label={t('common.edit')} data-action="edit" />
      </Tooltip>
      <DeleteButton onDelete={onDelete} onDone={onDeleted} disabled={!canWrite} />
    </Space>
  );
}
