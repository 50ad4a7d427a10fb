// What the exchange screens share: the status and outcome tags, the kind's name, the counts
// as Descriptions and the problems (errors, warnings) and merges as tables.
import { Descriptions, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { Link } from 'react-router-dom';
import type { ExchangeOperationKind, ExchangeOperationStatus, ImportMerge, ImportOutcome, ImportProblem } from '../../api/types';
import { useI18n, type MessageKey, type TFunction } from '../../i18n';

const statusColor: Record<ExchangeOperationStatus, string> = {
  running: 'blue',
  ok: 'green',
  warnings: 'orange',
  failed: 'red',
};

export const STATUSES: ExchangeOperationStatus[] = ['running', 'ok', 'warnings', 'failed'];
export const KINDS: ExchangeOperationKind[] = ['import', 'import_dry_run'];

export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const known = status in statusColor;
  return (
    <Tag color={known ? statusColor[status as ExchangeOperationStatus] : 'default'} style={{ marginInlineEnd: 0 }} data-testid="operation-status">
      {known ? t(`exchange.status.${status}` as MessageKey) : status}
    </Tag>
  );
}

export function kindLabel(kind: string, t: TFunction): string {
  return (KINDS as string[]).includes(kind) ? t(`exchange.kind.${kind}` as MessageKey) : kind;
}

const outcomeColor: Record<ImportOutcome, string> = {
  created: 'green',
  updated: 'blue',
  unchanged: 'default',
  merged: 'purple',
  external_id_added: 'cyan',
  error: 'red',
};

export function OutcomeTag({ outcome }: { outcome: string }) {
  const { t } = useI18n();
  const known = outcome in outcomeColor;
  return (
    <Tag color={known ? outcomeColor[outcome as ImportOutcome] : 'default'} style={{ marginInlineEnd: 0 }}>
      {known ? t(`exchange.outcome.${outcome}` as MessageKey) : outcome}
    </Tag>
  );
}

// The order of the counts on screen (others, if the server adds some, follow by name).
const COUNT_ORDER = [
  'records', 'processed', 'created', 'updated', 'unchanged', 'merged', 'external_id_added', 'errors',
  'links_removed', 'clients_deleted',
];

export function CountsDescriptions({ counts }: { counts: Record<string, number | undefined> }) {
  const { t } = useI18n();
  const keys = Object.keys(counts).sort((a, b) => {
    const ia = COUNT_ORDER.indexOf(a);
    const ib = COUNT_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, md: 3 }}
      data-testid="operation-counts"
      items={keys.map((key) => ({
        key,
        label: COUNT_ORDER.includes(key) ? t(`exchange.count.${key}` as MessageKey) : key,
        children: (
          <Typography.Text strong={key === 'errors' && (counts[key] ?? 0) > 0} type={key === 'errors' && (counts[key] ?? 0) > 0 ? 'danger' : undefined}>
            {counts[key] ?? 0}
          </Typography.Text>
        ),
      }))}
    />
  );
}

type Keyed<T> = T & { key: number };

export function ProblemsTable({ problems, testId }: { problems: ImportProblem[]; testId: string }) {
  const { t } = useI18n();
  const columns: TableColumnsType<Keyed<ImportProblem>> = [
    { title: t('exchange.col.index'), dataIndex: 'index', key: 'index', width: 90, render: (v: number | null) => v ?? '—' },
    {
      title: t('exchange.col.field'),
      dataIndex: 'field',
      key: 'field',
      width: 220,
      render: (v: string) => (v ? <Typography.Text code>{v}</Typography.Text> : <Typography.Text type="secondary">{t('exchange.wholeRecord')}</Typography.Text>),
    },
    { title: t('exchange.col.message'), dataIndex: 'message', key: 'message' },
  ];
  return (
    <Table<Keyed<ImportProblem>>
      size="small"
      columns={columns}
      dataSource={problems.map((p, key) => ({ ...p, key }))}
      pagination={problems.length > 20 ? { pageSize: 20, showSizeChanger: false, size: 'small' } : false}
      data-testid={testId}
    />
  );
}

function replacedText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function MergesTable({ merges }: { merges: ImportMerge[] }) {
  const { t } = useI18n();
  const columns: TableColumnsType<Keyed<ImportMerge>> = [
    { title: t('exchange.col.index'), dataIndex: 'index', key: 'index', width: 90 },
    {
      title: t('exchange.merge.survivor'),
      dataIndex: 'surviving_client_id',
      key: 'survivor',
      width: 150,
      render: (id: number) => <Link to={`/clients/${id}`}>№ {id}</Link>,
    },
    { title: t('exchange.merge.absorbed'), dataIndex: 'absorbed_client_id', key: 'absorbed', width: 150, render: (id: number) => `№ ${id}` },
    {
      title: t('exchange.merge.replaced'),
      dataIndex: 'replaced',
      key: 'replaced',
      render: (replaced: Record<string, unknown>) => {
        const entries = Object.entries(replaced ?? {});
        if (entries.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
        return entries.map(([field, value]) => (
          <div key={field}>
            <Typography.Text code>{field}</Typography.Text> {replacedText(value)}
          </div>
        ));
      },
    },
  ];
  return (
    <Table<Keyed<ImportMerge>>
      size="small"
      columns={columns}
      dataSource={merges.map((m, key) => ({ ...m, key }))}
      pagination={false}
      data-testid="operation-merges"
    />
  );
}

// The errors, warnings and merges of an import, each a titled section when there are any:
// the JSON page's answer and the log's operation drawer show them alike.
export function ImportProblems({
  errors,
  warnings,
  merges,
  testIdPrefix,
}: {
  errors: ImportProblem[];
  warnings: ImportProblem[];
  merges: ImportMerge[];
  testIdPrefix: string;
}) {
  const { t } = useI18n();
  const title = (key: MessageKey, count: number) => (
    <Typography.Title level={5}>
      {t(key)} <Typography.Text type="secondary">({count})</Typography.Text>
    </Typography.Title>
  );
  return (
    <>
      {errors.length > 0 && (
        <section>
          {title('exchange.errors', errors.length)}
          <ProblemsTable problems={errors} testId={`${testIdPrefix}-errors`} />
        </section>
      )}
      {warnings.length > 0 && (
        <section>
          {title('exchange.warnings', warnings.length)}
          <ProblemsTable problems={warnings} testId={`${testIdPrefix}-warnings`} />
        </section>
      )}
      {merges.length > 0 && (
        <section>
          {title('exchange.merges', merges.length)}
          <MergesTable merges={merges} />
        </section>
      )}
    </>
  );
}
