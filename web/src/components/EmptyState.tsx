// Empty table content: «nothing yet» or «nothing found» when a search/filter is active.
import { Empty } from 'antd';
import { useI18n } from '../i18n';

export function EmptyState({ text, filtered }: { text: string; filtered?: boolean }) {
  const { t } = useI18n();
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={filtered ? t('common.emptySearch') : text}
      style={{ padding: '24px 0' }}
    />
  );
}
