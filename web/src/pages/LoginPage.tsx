// Sign-in form: POST /auth/login; shows the server's message on 401 and 429.
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Segmented, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { errorText } from '../components/useApiError';
import { useI18n, type Lang } from '../i18n';

interface LoginForm {
  login: string;
  password: string;
}

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { user, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;
  const target = from && from !== '/login' ? from : '/';

  useEffect(() => {
    document.title = `${t('login.title')} · ${t('app.name')}`;
  }, [t]);

  if (user) return <Navigate to={target} replace />;

  const onFinish = async (values: LoginForm) => {
    setError(null);
    setSubmitting(true);
    try {
      await login(values.login.trim(), values.password);
      navigate(target, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(err.message || t('login.invalid'));
      else if (err instanceof ApiError && err.status === 429) {
        // the server's message already says when to retry
        if (err.message) setError(err.message);
        else setError(err.retryAfter ? `${t('login.tooMany')}. ${t('login.retryAfter', { seconds: err.retryAfter })}` : t('login.tooMany'));
      } else setError(errorText(err, t));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{ minHeight: '100vh', background: 'linear-gradient(160deg, #0f1f3d 0%, #1f5fd6 100%)', padding: 16 }}
    >
      <Card style={{ width: 400, maxWidth: '100%', boxShadow: '0 12px 40px rgba(0,0,0,0.25)' }} styles={{ body: { padding: 32 } }}>
        <Flex align="center" gap={12} style={{ marginBottom: 24 }}>
          <img src="/favicon.svg" width={40} height={40} alt="" />
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('app.name')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
        </Flex>
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form<LoginForm> name="login" layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
          <Form.Item label={t('login.login')} name="login" rules={[{ required: true, message: t('login.loginRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </Form>
        <Flex justify="center" style={{ marginTop: 24 }}>
          <Segmented<Lang>
            size="small"
            value={lang}
            onChange={setLang}
            options={[
              { value: 'ru', label: t('lang.ru') },
              { value: 'en', label: t('lang.en') },
            ]}
          />
        </Flex>
      </Card>
    </Flex>
  );
}
