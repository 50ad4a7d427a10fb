// «Интеграция» → «Обмен данными» → «Проверка и загрузка JSON»: an import batch
// ({"source", "records"}, docs/import-api.md) pasted or read from a .json file is sent to
// POST /exchange/import — «Проверить (без записи)» with dry_run true, «Загрузить» (after a
// confirmation) with dry_run false — and the answer is shown: status, counts, the result of
// every record, the errors, warnings and merges, and a link to the operation in the log.
import { CheckCircleOutlined, CloudUploadOutlined, DeleteOutlined, FileOutlined, ProfileOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Input, Popconfirm, Space, Table, Typography, Upload, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { exchangeApi } from '../../api/resources';
import type { ImportAnswer, ImportRequest, ImportResult } from '../../api/types';
import { errorText } from '../../components/useApiError';
import { useI18n, type TFunction } from '../../i18n';
import { CountsDescriptions, ImportProblems, OutcomeTag, StatusTag } from './exchangeLabels';
import { OperationDrawer } from './OperationDrawer';
import { OperationProgressView } from './OperationProgressView';
import { useOperationProgress } from './useOperationProgress';

/** The server's limit of an import body. */
const MAX_BYTES = 64 * 1024 * 1024;

interface PickedFile {
  name: string;
  size: number;
  text: string;
}

interface Refusal {
  message: string;
  fields: Record<string, string>;
}

function formatSize(bytes: number, lang: string): string {
  const ru = lang === 'ru';
  if (bytes < 1024) return `${bytes} ${ru ? 'Б' : 'B'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} ${ru ? 'КБ' : 'KB'}`;
  return `${(bytes / 1024 / 1024).toFixed(1)} ${ru ? 'МБ' : 'MB'}`;
}

/** The batch to send, or the reason it cannot be sent. An array is taken as the records. */
function parseBatch(text: string, dryRun: boolean, t: TFunction): ImportRequest | string {
  if (!text.trim()) return t('jsonImport.empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return t('jsonImport.invalidJson', { error: (e as Error).message });
  }
  if (Array.isArray(value)) value = { records: value };
  if (!value || typeof value !== 'object') return t('jsonImport.notBatch');
  return { ...(value as ImportRequest), dry_run: dryRun };
}

export function JsonImportTab() {
  const { t, lang } = useI18n();
  const [text, setText] = useState('');
  const [file, setFile] = useState<PickedFile | null>(null);
  const [running, setRunning] = useState<'check' | 'load' | null>(null);
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const { progress, percent, follow, stop } = useOperationProgress();

  const send = async (dryRun: boolean) => {
    setProblem(null);
    setRefusal(null);
    const batch = parseBatch(file ? file.text : text, dryRun, t);
    if (typeof batch === 'string') {
      setProblem(batch);
      return;
    }
    setAnswer(null);
    setRunning(dryRun ? 'check' : 'load');
    follow(typeof batch.source === 'string' && batch.source ? batch.source : 'api');
    try {
      setAnswer(await exchangeApi.importBatch(batch));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return; // the app goes to /login
      setRefusal({ message: errorText(err, t), fields: err instanceof ApiError ? err.fields : {} });
    } finally {
      stop();
      setRunning(null);
    }
  };

  const pick = (picked: File) => {
    setProblem(null);
    if (picked.size > MAX_BYTES) {
      setProblem(t('jsonImport.tooLarge'));
      return false;
    }
    void picked.text().then((content) => setFile({ name: picked.name, size: picked.size, text: content }));
    return false; // read here, never uploaded by antd
  };

  const busy = running !== null;

  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 980 }}>
        {t('jsonImport.hint')}
      </Typography.Paragraph>
      {file ? (
        <Flex align="center" gap={12} style={{ padding: '12px 16px', border: '1px dashed #d0d7e2', borderRadius: 8, background: '#fafbfd' }} data-testid="json-file">
          <FileOutlined style={{ fontSize: 20, color: '#1f5fd6' }} />
          <Typography.Text>{t('jsonImport.file', { name: file.name, size: formatSize(file.size, lang) })}</Typography.Text>
          <Button type="link" danger icon={<DeleteOutlined />} onClick={() => setFile(null)} disabled={busy}>
            {t('jsonImport.removeFile')}
          </Button>
        </Flex>
      ) : (
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('jsonImport.placeholder')}
          autoSize={{ minRows: 8, maxRows: 20 }}
          spellCheck={false}
          style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13 }}
          disabled={busy}
          data-testid="json-text"
        />
      )}
      <Flex gap={8} wrap>
        <Upload accept=".json,application/json" showUploadList={false} beforeUpload={pick} maxCount={1} disabled={busy}>
          <Button icon={<UploadOutlined />} disabled={busy} data-testid="json-pick">
            {t('jsonImport.pickFile')}
          </Button>
        </Upload>
        <Button icon={<CheckCircleOutlined />} onClick={() => void send(true)} loading={running === 'check'} disabled={busy && running !== 'check'} data-testid="json-check">
          {t('jsonImport.check')}
        </Button>
        <Popconfirm
          title={t('jsonImport.loadConfirm')}
          description={<div style={{ maxWidth: 360 }}>{t('jsonImport.loadConfirmText')}</div>}
          okText={t('jsonImport.load')}
          cancelText={t('common.cancel')}
          onConfirm={() => void send(false)}
          disabled={busy}
        >
          <Button type="primary" icon={<CloudUploadOutlined />} loading={running === 'load'} disabled={busy && running !== 'load'} data-testid="json-load">
            {t('jsonImport.load')}
          </Button>
        </Popconfirm>
      </Flex>
      {problem && <Alert type="error" showIcon message={problem} data-testid="json-problem" />}
      {refusal && (
        <Alert
          type="error"
          showIcon
          message={t('jsonImport.refused')}
          description={
            <>
              <div>{refusal.message}</div>
              {Object.entries(refusal.fields).map(([field, text]) => (
                <div key={field}>
                  <Typography.Text code>{field}</Typography.Text> {text}
                </div>
              ))}
            </>
          }
          data-testid="json-refused"
        />
      )}
      {busy && (
        <OperationProgressView
          progress={progress}
          percent={percent}
          waiting={t('jsonImport.running')}
          counted={(p) => t('jsonImport.progress', { processed: p.processed, records: p.records })}
          testId="json-running"
          style={{ padding: '16px 0', maxWidth: 980 }}
        />
      )}
      {answer && !busy && <ImportAnswerView answer={answer} onOpenOperation={setOpenId} />}
      <OperationDrawer id={openId} onClose={() => setOpenId(null)} />
    </Flex>
  );
}

function ImportAnswerView({ answer, onOpenOperation }: { answer: ImportAnswer; onOpenOperation: (id: number) => void }) {
  const { t } = useI18n();
  const warnings = answer.warnings ?? [];
  const merges = answer.merges ?? [];

  const columns: TableColumnsType<ImportResult> = [
    { title: t('exchange.col.index'), dataIndex: 'index', key: 'index', width: 90 },
    { title: t('jsonImport.col.outcome'), dataIndex: 'outcome', key: 'outcome', width: 190, render: (v: string) => <OutcomeTag outcome={v} /> },
    {
      title: t('jsonImport.col.premise'),
      dataIndex: 'premise_id',
      key: 'premise',
      width: 130,
      render: (id: number | null | undefined, row) => {
        // a premise a dry run would create has no id (or one of a rolled-back row)
        if (id === null || (answer.dry_run && row.outcome === 'created' && id !== undefined))
          return <Typography.Text type="secondary">{t('jsonImport.newRecord')}</Typography.Text>;
        if (!id) return '—';
        return answer.dry_run ? `№ ${id}` : <Link to={`/premises/${id}`}>№ {id}</Link>;
      },
    },
    {
      title: t('jsonImport.col.clients'),
      dataIndex: 'clients',
      key: 'clients',
      render: (clients: ImportResult['clients']) =>
        clients && clients.length > 0 ? (
          <Flex vertical gap={4}>
            {clients.map((c) => (
              <Space key={c.external_id} size={6} wrap>
                <Typography.Text code>{c.external_id}</Typography.Text>
                {!c.client_id || (answer.dry_run && c.outcome === 'created') ? (
                  <Typography.Text type="secondary">{t('jsonImport.newRecord')}</Typography.Text>
                ) : answer.dry_run ? (
                  `№ ${c.client_id}`
                ) : (
                  <Link to={`/clients/${c.client_id}`}>№ {c.client_id}</Link>
                )}
                <OutcomeTag outcome={c.outcome} />
              </Space>
            ))}
          </Flex>
        ) : (
          '—'
        ),
    },
    {
      title: t('jsonImport.col.accounts'),
      dataIndex: 'accounts',
      key: 'accounts',
      width: 220,
      render: (accounts: ImportResult['accounts']) =>
        accounts && accounts.length > 0 ? (
          <Flex vertical gap={4}>
            {accounts.map((a) => (
              <Space key={a.number} size={6}>
                <span>{a.number}</span>
                <OutcomeTag outcome={a.outcome} />
              </Space>
            ))}
          </Flex>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <Flex vertical gap={20} data-testid="json-answer">
      <Flex align="center" gap={12} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {answer.dry_run ? t('jsonImport.resultDry') : t('jsonImport.resultReal')}
        </Typography.Title>
        <StatusTag status={answer.status} />
        <Button type="link" size="small" icon={<ProfileOutlined />} onClick={() => onOpenOperation(answer.operation_id)} data-testid="json-operation-link">
          {t('jsonImport.operation', { id: answer.operation_id })}
        </Button>
      </Flex>
      <CountsDescriptions counts={answer.counts as unknown as Record<string, number>} />
      <ImportProblems errors={answer.errors} warnings={warnings} merges={merges} testIdPrefix="json" />
      <section>
        <Typography.Title level={5}>
          {t('jsonImport.records')} <Typography.Text type="secondary">({answer.results.length})</Typography.Text>
        </Typography.Title>
        <Table<ImportResult>
          size="small"
          rowKey="index"
          columns={columns}
          dataSource={answer.results}
          pagination={answer.results.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          data-testid="json-results"
        />
      </section>
    </Flex>
  );
}
