// Unknown address inside the app.
import { Button, Card, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Card>
      <Result
        status="404"
        title={t('notFound.title')}
        extra={
          <Button type="primary" onClick={() => navigate('/')}>
            {t('notFound.back')}
          </Button>
        }
      />
    </Card>
  );
}
