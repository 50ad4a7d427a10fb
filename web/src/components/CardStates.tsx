// What a record's card shows before its record is there: the load error (404 or another
// failure), a skeleton while loading, and a tab whose section arrives in a later version.
import { ToolOutlined } from '@ant-design/icons';
import { Button, Card, Result, Skeleton } from 'antd';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { PageHeader } from './PageHeader';

export function CardLoadError({ error, onBack }: { error: ApiError; onBack: () => void }) {
  const { t } = useI18n();
  return (
    <Card>
      <Result
        status={error.status === 404 ? '404' : 'error'}
        title={error.status === 404 ? t('error.notFound') : error.message || t('error.generic')}
        extra={<Button onClick={onBack}>{t('common.back')}</Button>}
      />
    </Card>
  );
}

export function CardLoading({ title, onBack }: { title: string; onBack: () => void }) {
  return (
    <>
      <PageHeader title={title} onBack={onBack} />
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    </>
  );
}

export function TabComingLater({ tabTitle }: { tabTitle: string }) {
  const { t } = useI18n();
  return (
    <Result
      icon={<ToolOutlined style={{ color: '#1f5fd6' }} />}
      title={t('premise.tabLater', { tab: tabTitle })}
      subTitle={t('premise.tabLaterText')}
    />
  );
}
