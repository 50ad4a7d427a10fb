// «Импорт из Excel» (SPEC I-10, docs/import-excel.md), reached by the «Импорт» button of the
// premises and clients lists: the instruction (the columns and the «Важно!» owners-sync
// warning), the template, the file, «Проверить» (a dry run) and «Начать импорт» (after a
// confirmation naming the owners sync), the progress of the running operation (read from the
// exchange log while the upload is answered), and the result — counts, or the errors by row
// and column with «Скачать файл с ошибками».
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  CloudUploadOutlined,
  DeleteOutlined,
  DownloadOutlined,
  FileExcelOutlined,
  ReadOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Flex, Popconfirm, Space, Table, Typography, Upload, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { excelApi } from '../../api/resources';
import type { ExcelColumns, ExcelImportAnswer } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { errorText } from '../../components/useApiError';
import { useI18n } from '../../i18n';
import { CountsDescriptions, StatusTag } from './exchangeLabels';
import { OperationDrawer } from './OperationDrawer';
import { OperationProgressView } from './OperationProgressView';
import { useOperationProgress } from './useOperationProgress';

/** The server's limit of an upload. */
const MAX_BYTES = 32 * 1024 * 1024;

/** An error as the page lists it: the sheet row and column. */
interface SheetError {
  row: number | null;
  column: string | null;
  column_name: string | null;
  message: string;
}

interface Refusal {
  message: string;
  errors: SheetError[];
  errorFile: string | null;
  operationId: number | null;
}

function toErrors(value: unknown): SheetError[] {
  if (!Array.isArray(value)) return [];
  return value.map((e) => ({
    row: typeof e?.row === 'number' ? e.row : null,
    column: typeof e?.column === 'string' ? e.column : null,
    column_name: typeof e?.column_name === 'string' ? e.column_name : null,
    message: String(e?.message ?? ''),
  }));
}

function ErrorsTable({ errors }: { errors: SheetError[] }) {
  const { t } = useI18n();
  const columns: TableColumnsType<SheetError & { key: number }> = [
    { title: t('exchange.excel.col.row'), dataIndex: 'row', key: 'row', width: 90, render: (v: number | null) => v ?? '—' },
    {
      title: t('exchange.excel.col.column'),
      key: 'column',
      width: 260,
      render: (_, e) => (e.column ? <span><Typography.Text code>{e.column}</Typography.Text> {e.column_name ?? ''}</span> : '—'),
    },
    { title: t('exchange.excel.col.message'), dataIndex: 'message', key: 'message' },
  ];
  return (
    <Table
      size="small"
      rowKey="key"
      columns={columns}
      dataSource={errors.map((e, i) => ({ ...e, key: i }))}
      pagination={errors.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      data-testid="excel-errors"
    />
  );
}

function Instruction() {
  const { t } = useI18n();
  const [info, setInfo] = useState<ExcelColumns | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    excelApi
      .columns(controller.signal)
      .then(setInfo)
      .catch((err) => {
        if ((err as Error).name !== 'AbortError') setProblem(errorText(err, t));
      });
    return () => controller.abort();
  }, [t]);
  if (problem) return <Alert type="error" showIcon message={problem} />;
  if (!info) return null;
  type Column = ExcelColumns['columns'][number];
  const columns: TableColumnsType<Column> = [
    { title: t('exchange.excel.col.letter'), dataIndex: 'letter', key: 'letter', width: 70, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('exchange.excel.col.header'), dataIndex: 'header', key: 'header', width: 200, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: t('exchange.excel.col.section'), dataIndex: 'section', key: 'section', width: 120 },
    { title: t('exchange.excel.col.meaning'), dataIndex: 'meaning', key: 'meaning' },
    { title: t('exchange.excel.col.required'), dataIndex: 'required', key: 'required', width: 200, render: (v: string) => v || <Typography.Text type="secondary">{t('exchange.excel.optional')}</Typography.Text> },
    { title: t('exchange.excel.col.format'), dataIndex: 'format', key: 'format', width: 260 },
  ];
  return (
    <Flex vertical gap={12} data-testid="excel-instruction">
      <ul style={{ margin: 0, paddingLeft: 20, maxWidth: 980 }}>
        {info.rules.map((rule) => (
          <li key={rule} style={{ marginBottom: 6 }}>
            {rule}
          </li>
        ))}
      </ul>
      <Table size="small" rowKey="letter" columns={columns} dataSource={info.columns} pagination={false} data-testid="excel-columns" />
    </Flex>
  );
}

export function ExcelImportPage() {
  const { t } = useI18n();
  const { isAdmin } = useAuth();
  const [params] = useSearchParams();
  const from = params.get('from') === 'clients' ? 'clients' : 'premises';
  const [showInstruction, setShowInstruction] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState<'check' | 'load' | null>(null);
  const [answer, setAnswer] = useState<ExcelImportAnswer | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  // While the upload is being answered, the running Excel operation's counts show the progress.
  const { progress, percent, follow, stop } = useOperationProgress();

  const send = async (dryRun: boolean) => {
    if (!file) {
      setProblem(t('exchange.excel.noFile'));
      return;
    }
    setProblem(null);
    setRefusal(null);
    setAnswer(null);
    setRunning(dryRun ? 'check' : 'load');
    follow('excel');
    try {
      setAnswer(await excelApi.importFile(file, dryRun));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      const details = (err instanceof ApiError ? err.details : undefined) as Record<string, unknown> | undefined;
      setRefusal({
        message: errorText(err, t),
        errors: toErrors(details?.errors),
        errorFile: typeof details?.error_file === 'string' ? details.error_file : null,
        operationId: typeof details?.operation_id === 'number' ? details.operation_id : null,
      });
    } finally {
      stop();
      setRunning(null);
    }
  };

  const pick = (picked: File) => {
    setProblem(null);
    if (picked.size > MAX_BYTES) {
      setProblem(t('exchange.excel.tooLarge'));
      return false;
    }
    setFile(picked);
    setAnswer(null);
    setRefusal(null);
    return false; // kept here, sent by «Проверить» / «Начать импорт»
  };

  const busy = running !== null;
  const errors = answer ? toErrors(answer.errors) : [];

  return (
    <Flex vertical gap={16} style={{ padding: 24, maxWidth: 1280 }}>
      <Flex align="center" gap={12}>
        <Link to={`/${from}`} data-testid="excel-back">
          <ArrowLeftOutlined /> {t(from === 'clients' ? 'menu.clients' : 'menu.premises')}
        </Link>
      </Flex>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('exchange.excel.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 980 }}>
        {t('exchange.excel.hint')}
      </Typography.Paragraph>
      {!isAdmin && <Alert type="info" showIcon message={t('exchange.excel.adminOnly')} data-testid="excel-admin-only" />}
      <Card size="small">
        <Flex vertical gap={12}>
          <Flex gap={8} wrap>
            <Button icon={<ReadOutlined />} onClick={() => setShowInstruction((v) => !v)} data-testid="excel-show-instruction">
              {showInstruction ? t('exchange.excel.hideInstruction') : t('exchange.excel.showInstruction')}
            </Button>
            <Button icon={<DownloadOutlined />} href={excelApi.templateUrl} download data-testid="excel-template">
              {t('exchange.excel.template')}
            </Button>
            <Button icon={<DownloadOutlined />} href={excelApi.exportUrl} download data-testid="excel-export">
              {t('exchange.excel.export')}
            </Button>
          </Flex>
          <Alert type="warning" showIcon message={<Typography.Text strong>{t('exchange.excel.warningTitle')}</Typography.Text>} description={t('exchange.excel.warning')} data-testid="excel-warning" />
          {showInstruction && <Instruction />}
        </Flex>
      </Card>
      <Card size="small">
        <Flex vertical gap={12}>
          {file ? (
            <Flex align="center" gap={12} style={{ padding: '12px 16px', border: '1px dashed #d0d7e2', borderRadius: 8, background: '#fafbfd' }} data-testid="excel-file">
              <FileExcelOutlined style={{ fontSize: 22, color: '#1d6f42' }} />
              <Typography.Text>{file.name}</Typography.Text>
              <Button type="link" danger icon={<DeleteOutlined />} onClick={() => setFile(null)} disabled={busy}>
                {t('exchange.excel.removeFile')}
              </Button>
            </Flex>
          ) : (
            <div data-testid="excel-drop">
            <Upload.Dragger accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" showUploadList={false} beforeUpload={pick} maxCount={1} disabled={busy}>
                <p className="ant-upload-drag-icon">
                  <UploadOutlined />
                </p>
                <p className="ant-upload-text">{t('exchange.excel.pick')}</p>
                <p className="ant-upload-hint">{t('exchange.excel.pickHint')}</p>
              </Upload.Dragger>
            </div>
          )}
          <Flex gap={8} wrap>
            <Button icon={<CheckCircleOutlined />} onClick={() => void send(true)} loading={running === 'check'} disabled={!isAdmin || (busy && running !== 'check')} data-testid="excel-check">
              {t('exchange.excel.check')}
            </Button>
            <Popconfirm
              title={t('exchange.excel.confirmTitle')}
              description={<div style={{ maxWidth: 380 }}>{t('exchange.excel.confirmText')}</div>}
              okText={t('exchange.excel.start')}
              cancelText={t('common.cancel')}
              onConfirm={() => void send(false)}
              disabled={busy || !isAdmin}
            >
              <Button type="primary" icon={<CloudUploadOutlined />} loading={running === 'load'} disabled={!isAdmin || (busy && running !== 'load')} data-testid="excel-start">
                {t('exchange.excel.start')}
              </Button>
            </Popconfirm>
          </Flex>
          {problem && <Alert type="error" showIcon message={problem} data-testid="excel-problem" />}
          {busy && (
            <OperationProgressView
              progress={progress}
              percent={percent}
              waiting={t('exchange.excel.reading')}
              counted={(p) => t('exchange.excel.progress', { processed: p.processed, records: p.records })}
              testId="excel-running"
            />
          )}
        </Flex>
      </Card>
      {refusal && (
        <Card size="small" data-testid="excel-refused">
          <Flex vertical gap={12}>
            <Alert type="error" showIcon message={t('exchange.excel.refused')} description={refusal.message} />
            {refusal.errors.length > 0 && <ErrorsTable errors={refusal.errors} />}
            <Space>
              {refusal.errorFile && (
                <Button icon={<DownloadOutlined />} href={excelApi.fileUrl(refusal.errorFile)} download data-testid="excel-error-file">
                  {t('exchange.excel.errorFile')}
                </Button>
              )}
              {refusal.operationId !== null && (
                <Button type="link" onClick={() => setOpenId(refusal.operationId)}>
                  {t('jsonImport.operation', { id: refusal.operationId })}
                </Button>
              )}
            </Space>
          </Flex>
        </Card>
      )}
      {answer && !busy && (
        <Card size="small" data-testid="excel-result">
          <Flex vertical gap={12}>
            {answer.status === 'failed' ? (
              <Alert type="error" showIcon message={answer.dry_run ? t('exchange.excel.checkFailed') : t('exchange.excel.failed')} />
            ) : (
              <Alert
                type={answer.status === 'warnings' ? 'warning' : 'success'}
                showIcon
                message={answer.dry_run ? t('exchange.excel.checkOk') : t('exchange.excel.done')}
                data-testid="excel-success"
              />
            )}
            <Space>
              <StatusTag status={answer.status} />
              <Button type="link" onClick={() => setOpenId(answer.operation_id)}>
                {t('jsonImport.operation', { id: answer.operation_id })}
              </Button>
            </Space>
            <CountsDescriptions counts={answer.counts as unknown as Record<string, number | undefined>} />
            {errors.length > 0 && (
              <>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {t('exchange.excel.errors', { n: errors.length })}
                </Typography.Title>
                <ErrorsTable errors={errors} />
              </>
            )}
            {answer.error_file && (
              <div>
                <Button icon={<DownloadOutlined />} href={excelApi.fileUrl(answer.error_file)} download data-testid="excel-error-file">
                  {t('exchange.excel.errorFile')}
                </Button>
              </div>
            )}
          </Flex>
        </Card>
      )}
      <OperationDrawer id={openId} onClose={() => setOpenId(null)} />
    </Flex>
  );
}
