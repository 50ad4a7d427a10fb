// «Интеграция» → «Обмен данными» → «Общие настройки» (SPEC I-4): the organisation's FTP
// connection — server, port, user, password (write-only: the server never returns it, the
// form shows «задан» when one is stored), passive mode, explicit TLS — with «Проверить
// соединение» (the form's values, saved or not) and «Сохранить».
import { ApiOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, InputNumber, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { exchangeApi } from '../../api/resources';
import type { ExchangeSettings, ExchangeSettingsUpdate } from '../../api/types';
import { errorText, useApiError } from '../../components/useApiError';
import { useI18n } from '../../i18n';

interface FtpForm {
  ftp_host: string;
  ftp_port: number | null;
  ftp_user: string;
  ftp_password: string;
  ftp_passive: boolean;
  ftp_tls: boolean;
}

function toForm(s: ExchangeSettings): FtpForm {
  return {
    ftp_host: s.ftp_host ?? '',
    ftp_port: s.ftp_port ?? 21,
    ftp_user: s.ftp_user ?? '',
    ftp_password: '',
    ftp_passive: s.ftp_passive ?? true,
    ftp_tls: s.ftp_tls ?? false,
  };
}

/** The form's FTP fields as the API takes them; an empty password field is left out. */
function toBody(values: FtpForm, clearPassword = false): ExchangeSettingsUpdate {
  const body: ExchangeSettingsUpdate = {
    ftp_host: values.ftp_host.trim(),
    ftp_port: values.ftp_port ?? 21,
    ftp_user: values.ftp_user.trim(),
    ftp_passive: values.ftp_passive,
    ftp_tls: values.ftp_tls,
  };
  if (clearPassword) body.ftp_password = '';
  else if (values.ftp_password) body.ftp_password = values.ftp_password;
  return body;
}

export function SettingsTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const [form] = Form.useForm<FtpForm>();
  const [loaded, setLoaded] = useState<ExchangeSettings | null>(null);
  const [saving, setSaving] = useState(false);
  const [checking, setChecking] = useState(false);
  const [check, setCheck] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    exchangeApi
      .settings(ctrl.signal)
      .then((s) => {
        setLoaded(s);
        form.setFieldsValue(toForm(s));
      })
      .catch((err) => {
        if (!ctrl.signal.aborted) showError(err);
      });
    return () => ctrl.abort();
  }, [form, showError]);

  const save = async (clearPassword = false) => {
    let values: FtpForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const s = await exchangeApi.saveSettings(toBody(values, clearPassword));
      setLoaded(s);
      form.setFieldsValue(toForm(s));
      message.success(t('exchange.settings.saved'));
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  const checkConnection = async () => {
    setCheck(null);
    let values: FtpForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setChecking(true);
    try {
      const body = toBody(values);
      const answer = await exchangeApi.checkFtp({
        ftp_host: body.ftp_host,
        ftp_port: body.ftp_port,
        ftp_user: body.ftp_user,
        ftp_passive: body.ftp_passive,
        ftp_tls: body.ftp_tls,
        ...(values.ftp_password ? { ftp_password: values.ftp_password } : {}),
      });
      setCheck({ ok: true, text: answer.message });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      const fields = err instanceof ApiError ? Object.values(err.fields) : [];
      const text = [errorText(err, t), ...fields.filter((f) => f !== errorText(err, t))].join(': ');
      setCheck({ ok: false, text });
    } finally {
      setChecking(false);
    }
  };

  if (!loaded) return <Spin style={{ display: 'block', margin: 48 }} />;

  return (
    <div style={{ maxWidth: 640 }} data-testid="exchange-ftp-settings">
      <Typography.Paragraph type="secondary">{t('exchange.settings.ftpIntro')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onValuesChange={(changed) => {
          setCheck(null);
          // a server's error under a field goes once the field is edited
          form.setFields(Object.keys(changed).map((name) => ({ name: name as keyof FtpForm, errors: [] })));
        }}
      >
        <Space.Compact block>
          <Form.Item name="ftp_host" label={t('exchange.settings.host')} style={{ flex: 1 }} rules={[{ max: 253 }]}>
            <Input placeholder="ftp.example.ru" autoComplete="off" data-testid="ftp-host" />
          </Form.Item>
          <Form.Item
            name="ftp_port"
            label={t('exchange.settings.port')}
            style={{ width: 120 }}
            rules={[{ type: 'number', min: 1, max: 65535, message: t('exchange.settings.portRange') }]}
          >
            <InputNumber min={1} max={65535} style={{ width: '100%' }} data-testid="ftp-port" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="ftp_user" label={t('exchange.settings.user')}>
          <Input autoComplete="off" data-testid="ftp-user" />
        </Form.Item>
        <Form.Item
          name="ftp_password"
          label={
            <Space size={8}>
              {t('exchange.settings.password')}
              {loaded.ftp_password_set ? (
                <Tag color="green" data-testid="ftp-password-set">
                  {t('exchange.settings.passwordSet')}
                </Tag>
              ) : (
                <Tag data-testid="ftp-password-unset">{t('exchange.settings.passwordUnset')}</Tag>
              )}
            </Space>
          }
          extra={loaded.ftp_password_set ? t('exchange.settings.passwordKeep') : undefined}
        >
          <Input.Password autoComplete="new-password" data-testid="ftp-password" />
        </Form.Item>
        <Form.Item name="ftp_passive" valuePropName="checked" style={{ marginBottom: 4 }}>
          <Checkbox data-testid="ftp-passive">{t('exchange.settings.passive')}</Checkbox>
        </Form.Item>
        <Form.Item name="ftp_tls" valuePropName="checked" extra={t('exchange.settings.tlsHint')}>
          <Checkbox data-testid="ftp-tls">{t('exchange.settings.tls')}</Checkbox>
        </Form.Item>
        {check && (
          <Alert
            type={check.ok ? 'success' : 'error'}
            showIcon
            message={check.text}
            style={{ marginBottom: 16 }}
            data-testid="ftp-check-result"
          />
        )}
        <Space wrap>
          <Button icon={<ApiOutlined />} loading={checking} onClick={checkConnection} data-testid="ftp-check">
            {t('exchange.settings.check')}
          </Button>
          <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => save()} data-testid="ftp-save">
            {t('exchange.settings.save')}
          </Button>
          {loaded.ftp_password_set && (
            <Button danger type="link" onClick={() => save(true)} data-testid="ftp-password-clear">
              {t('exchange.settings.passwordClear')}
            </Button>
          )}
        </Space>
      </Form>
    </div>
  );
}
