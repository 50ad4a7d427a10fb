// «Интеграция» → «Обмен данными» → «Импорт» (SPEC I-4 … I-7): the method («Ссылки на
// XML-файлы», the only one), «Уведомлять на email», «Адрес файла(ов)», «Удалять файлы выгрузки
// после прочтения», the five schedule fields with the sentence they make («каждый день в
// 03:00») computed as they are typed, «Сохранить», and «Запустить сейчас»: the server answers
// 202 at once and the operations of the run are followed in the exchange log (polled until
// the run ends), each with its status, progress and message.
import { PlayCircleOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Flex, Form, Input, Progress, Select, Space, Spin, Switch, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { exchangeApi } from '../../api/resources';
import type { ExchangeOperation, ExchangeSettings } from '../../api/types';
import { useApiError } from '../../components/useApiError';
import { useI18n, type MessageKey } from '../../i18n';
import { StatusTag } from './exchangeLabels';
import { OperationDrawer } from './OperationDrawer';
import { describeSchedule, FIELD_RANGE, parseField, SCHEDULE_FIELDS, type ScheduleField } from './schedule';

const POLL_MS = 1000;

/** A time of the schedule as the schedule reads it: Moscow time, whatever the browser's zone. */
function moscowTime(iso: string, lang: string): string {
  const text = new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: 'Europe/Moscow',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
  return `${text} ${lang === 'ru' ? 'МСК' : 'MSK'}`;
}

interface ImportForm {
  method: string;
  report_emails: string;
  paths: string;
  delete_after_read: boolean;
  schedule_enabled: boolean;
  schedule_minute: string;
  schedule_hour: string;
  schedule_day: string;
  schedule_month: string;
  schedule_weekday: string;
}

const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

function toForm(s: ExchangeSettings): ImportForm {
  return {
    method: s.method ?? 'links',
    report_emails: (s.report_emails ?? []).join(', '),
    paths: (s.paths ?? []).join(', '),
    delete_after_read: s.delete_after_read ?? false,
    schedule_enabled: s.schedule_enabled ?? false,
    schedule_minute: s.schedule_minute ?? '*',
    schedule_hour: s.schedule_hour ?? '*',
    schedule_day: s.schedule_day ?? '*',
    schedule_month: s.schedule_month ?? '*',
    schedule_weekday: s.schedule_weekday ?? '*',
  };
}

/** The operations of a run (those after the newest one before it) and whether it still runs. */
interface RunState {
  // The newest operation of the log before the run started: the run's operations come after
  // it (started_at has whole seconds, so a previous run of the same second would match a time).
  after: number;
  operations: ExchangeOperation[];
  running: boolean;
}

export function ImportSettingsTab() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const [form] = Form.useForm<ImportForm>();
  const [loaded, setLoaded] = useState<ExchangeSettings | null>(null);
  const [saving, setSaving] = useState(false);
  const [starting, setStarting] = useState(false);
  const [run, setRun] = useState<RunState | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const schedule = Form.useWatch([], form);
  const timer = useRef<number | null>(null);

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

  // Follows a started run: the log's operations after `after`, until the run ends.
  const poll = useCallback(
    async (after: number) => {
      try {
        // The settings first: a run writes its operations before it ends, so once they say it
        // ended, the log read after them holds all of them. Read together, the log could be
        // read just before the run wrote its operation and the settings just after the run
        // ended: «done» with no operation (a flaky e2e test showed it).
        const settings = await exchangeApi.settings();
        const page = await exchangeApi.operations({ limit: 50 });
        const operations = page.items.filter((o) => o.id > after).sort((a, b) => a.id - b.id);
        const running = settings.running || operations.some((o) => o.status === 'running');
        setRun({ after, operations, running });
        setLoaded(settings);
        if (running) timer.current = window.setTimeout(() => poll(after), POLL_MS);
      } catch (err) {
        showError(err);
      }
    },
    [showError],
  );
  useEffect(() => () => {
    if (timer.current) window.clearTimeout(timer.current);
  }, []);

  const save = async () => {
    let values: ImportForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const s = await exchangeApi.saveSettings({
        method: 'links',
        report_emails: splitList(values.report_emails),
        paths: splitList(values.paths),
        delete_after_read: values.delete_after_read,
        schedule_enabled: values.schedule_enabled,
        schedule_minute: values.schedule_minute.trim(),
        schedule_hour: values.schedule_hour.trim(),
        schedule_day: values.schedule_day.trim(),
        schedule_month: values.schedule_month.trim(),
        schedule_weekday: values.schedule_weekday.trim(),
      });
      setLoaded(s);
      form.setFieldsValue(toForm(s));
      message.success(t('exchange.settings.saved'));
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  const runNow = async () => {
    setStarting(true);
    try {
      if (timer.current) window.clearTimeout(timer.current);
      // The log is ordered by start time: the highest id of its first page is the newest.
      const before = await exchangeApi.operations({ limit: 50 });
      const after = Math.max(0, ...before.items.map((o) => o.id));
      await exchangeApi.runNow();
      setRun({ after, operations: [], running: true });
      await poll(after);
    } catch (err) {
      showError(err, form);
    } finally {
      setStarting(false);
    }
  };

  if (!loaded) return <Spin style={{ display: 'block', margin: 48 }} />;

  const values = (schedule ?? {}) as Partial<ImportForm>;
  const sentence = describeSchedule(
    {
      minute: values.schedule_minute ?? loaded.schedule_minute ?? '*',
      hour: values.schedule_hour ?? loaded.schedule_hour ?? '*',
      day: values.schedule_day ?? loaded.schedule_day ?? '*',
      month: values.schedule_month ?? loaded.schedule_month ?? '*',
      weekday: values.schedule_weekday ?? loaded.schedule_weekday ?? '*',
    },
    lang,
  );
  const failed = run?.operations.filter((o) => o.status === 'failed').length ?? 0;

  const scheduleRule = (field: ScheduleField) => ({
    validator: async (_: unknown, value: string) => {
      if (parseField(field, value ?? '') === undefined) {
        const [min, max] = FIELD_RANGE[field];
        throw new Error(t('exchange.schedule.fieldError', { min, max }));
      }
    },
  });

  return (
    <div style={{ maxWidth: 760 }} data-testid="exchange-import-settings">
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        // a server's error under a field goes once the field is edited
        onValuesChange={(changed) => form.setFields(Object.keys(changed).map((name) => ({ name: name as keyof ImportForm, errors: [] })))}
      >
        <Form.Item name="method" label={t('exchange.settings.method')}>
          <Select
            style={{ maxWidth: 320 }}
            options={[{ value: 'links', label: t('exchange.settings.methodLinks') }]}
            data-testid="import-method"
          />
        </Form.Item>
        <Form.Item name="report_emails" label={t('exchange.settings.emails')} extra={t('exchange.settings.emailsHint')}>
          <Input placeholder="ops@example.ru" data-testid="import-emails" />
        </Form.Item>
        <Form.Item name="paths" label={t('exchange.settings.paths')} extra={t('exchange.settings.pathsHint')}>
          <Input.TextArea
            autoSize={{ minRows: 1, maxRows: 4 }}
            placeholder="/sber/offers.xml, /tinkoff/offers.xml"
            data-testid="import-paths"
          />
        </Form.Item>
        <Form.Item name="delete_after_read" valuePropName="checked" extra={t('exchange.settings.deleteHint')}>
          <Checkbox data-testid="import-delete">{t('exchange.settings.delete')}</Checkbox>
        </Form.Item>

        <Typography.Title level={5} style={{ marginTop: 8 }}>
          {t('exchange.schedule.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          {t('exchange.schedule.hint')}
        </Typography.Paragraph>
        <Flex gap={8} wrap align="flex-start">
          {SCHEDULE_FIELDS.map((field) => (
            <Form.Item
              key={field}
              name={`schedule_${field}`}
              label={t(`exchange.schedule.${field}` as MessageKey)}
              rules={[scheduleRule(field)]}
              style={{ width: 120, marginBottom: 8 }}
            >
              <Input data-testid={`schedule-${field}`} />
            </Form.Item>
          ))}
        </Flex>
        <Typography.Paragraph data-testid="schedule-sentence" type={sentence ? undefined : 'danger'} strong>
          {sentence
            ? t('exchange.schedule.sentence', { text: sentence })
            : t('exchange.schedule.invalid')}
        </Typography.Paragraph>
        <Form.Item name="schedule_enabled" valuePropName="checked" label={t('exchange.schedule.enabled')}>
          <Switch data-testid="schedule-enabled" />
        </Form.Item>
        {loaded.schedule_enabled && loaded.next_run_at && (
          <Typography.Paragraph type="secondary" data-testid="schedule-next">
            {t('exchange.schedule.next', { at: moscowTime(loaded.next_run_at, lang) })}
          </Typography.Paragraph>
        )}
        {loaded.last_run_at && (
          <Typography.Paragraph type="secondary">
            {t('exchange.schedule.last', { at: moscowTime(loaded.last_run_at, lang) })}
          </Typography.Paragraph>
        )}
        <Space wrap>
          <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={save} data-testid="import-save">
            {t('exchange.settings.save')}
          </Button>
          <Button
            icon={<PlayCircleOutlined />}
            loading={starting}
            disabled={run?.running}
            onClick={runNow}
            data-testid="import-run-now"
          >
            {t('exchange.run.now')}
          </Button>
        </Space>
      </Form>

      {run && (
        <div style={{ marginTop: 24 }} data-testid="run-progress">
          {run.running ? (
            <Alert type="info" showIcon message={t('exchange.run.running')} />
          ) : (
            <Alert
              type={failed ? 'error' : 'success'}
              showIcon
              message={failed ? t('exchange.run.failed', { n: failed }) : t('exchange.run.done')}
              data-testid="run-result"
            />
          )}
          {run.operations.map((o) => {
            const records = Number(o.counts?.records ?? 0);
            const processed = Number(o.counts?.processed ?? 0);
            return (
              <div key={o.id} style={{ marginTop: 12 }} data-testid="run-operation">
                <Space size={8} wrap>
                  <StatusTag status={o.status} />
                  <Typography.Link onClick={() => setOpenId(o.id)}>
                    {t('exchange.run.operation', { id: o.id })}
                  </Typography.Link>
                </Space>
                {o.status === 'running' && records > 0 && (
                  <Progress percent={Math.floor((processed * 100) / records)} size="small" />
                )}
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} type="secondary">
                  {o.message}
                </Typography.Paragraph>
              </div>
            );
          })}
        </div>
      )}
      <OperationDrawer id={openId} onClose={() => setOpenId(null)} />
    </div>
  );
}
