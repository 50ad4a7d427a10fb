// Row above a table: search box, filters, and the «Добавить» button.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Input } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

interface Props {
  /** Without it there is no search box. */
  onSearch?: (q: string) => void;
  searchPlaceholder?: string;
  filters?: ReactNode;
  onAdd?: () => void;
  addLabel?: string;
  canAdd?: boolean;
}

export function TableToolbar({ onSearch, searchPlaceholder, filters, onAdd, addLabel, canAdd = true }: Props) {
  const { t } = useI18n();
  return (
    <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 16 }}>
      <Flex gap={12} wrap align="center">
        {onSearch && (
        <Input.Search
          allowClear
          placeholder={searchPlaceholder ?? t('common.searchByName')}
          onSearch={onSearch}
          onChange={(e) => {
            if (e.target.value === '') onSearch('');
          }}
          style={{ width: 300 }}
          data-testid="table-search"
        />
        )}
        {filters}
      </Flex>
      {onAdd && (
        <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} disabled={!canAdd} data-testid="add-button">
          {addLabel ?? t('common.add')}
        </Button>
      )}
    </Flex>
  );
}
