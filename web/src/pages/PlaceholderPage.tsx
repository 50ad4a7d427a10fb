// A section of the menu that later versions fill.
import { ToolOutlined } from '@ant-design/icons';
import { Card, Result } from 'antd';
import { PageHeader } from '../components/PageHeader';
import { useI18n, type MessageKey } from '../i18n';

export function PlaceholderPage({ titleKey }: { titleKey: MessageKey }) {
  const { t } = useI18n();
  const title = t(titleKey);
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <Result
          icon={<ToolOutlined style={{ color: '#1f5fd6' }} />}
          title={t('placeholder.title')}
          subTitle={t('placeholder.text', { section: title })}
        />
      </Card>
    </>
  );
}
