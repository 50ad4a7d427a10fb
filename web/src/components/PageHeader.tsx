// Title row of a page: optional back link, title, subtitle, actions on the right.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useI18n } from '../i18n';

interface Props {
  title: ReactNode;
  /** Plain-text title for the browser tab when `title` is not a string. */
  documentTitle?: string;
  subtitle?: ReactNode;
  extra?: ReactNode;
  onBack?: () => void;
}

export function PageHeader({ title, documentTitle, subtitle, extra, onBack }: Props) {
  const { t } = useI18n();
  const tabTitle = documentTitle ?? (typeof title === 'string' ? title : undefined);
  useEffect(() => {
    document.title = tabTitle ? `${tabTitle} · ${t('app.name')}` : t('app.name');
  }, [tabTitle, t]);

  return (
    <Flex align="center" justify="space-between" gap={16} wrap style={{ marginBottom: 20 }}>
      <Flex align="center" gap={12}>
        {onBack && (
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack} aria-label={t('common.back')} />
        )}
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {subtitle && <Typography.Text type="secondary">{subtitle}</Typography.Text>}
        </div>
      </Flex>
      {/* stays on the right when it wraps under a long title */}
      {extra && (
        <Flex gap={8} style={{ marginLeft: 'auto' }}>
          {extra}
        </Flex>
      )}
    </Flex>
  );
}
