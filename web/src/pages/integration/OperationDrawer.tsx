// One operation of the exchange log in a drawer: GET /exchange/operations/{id} — status,
// kind, source, who and when, the whole message, the counts, the errors, warnings and
// merges. A running operation is re-read every 3 seconds.
import { Alert, Descriptions, Drawer, Empty, Flex, Result, Skeleton, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { exchangeApi } from '../../api/resources';
import type { ExchangeOperation, ImportMerge, ImportProblem } from '../../api/types';
import { errorText } from '../../components/useApiError';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../utils/format';
import { CountsDescriptions, ImportProblems, kindLabel, StatusTag } from './exchangeLabels';

export const REFRESH_MS = 3000;

interface Props {
  /** The operation to show; null closes the drawer. */
  id: number | null;
  onClose: () => void;
}

interface Details {
  errors?: ImportProblem[];
  warnings?: ImportProblem[];
  merges?: ImportMerge[];
}

export function OperationDrawer({ id, onClose }: Props) {
  const { t } = useI18n();
  const [operation, setOperation] = useState<ExchangeOperation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    setOperation(null);
    setError(null);
  }, [id]);

  useEffect(() => {
    if (id === null) return;
    const ctrl = new AbortController();
    exchangeApi
      .operation(id, ctrl.signal)
      .then((op) => !ctrl.signal.aborted && setOperation(op))
      .catch((err) => {
        if (ctrl.signal.aborted || (err as Error).name === 'AbortError') return;
        setError(errorText(err, t));
      });
    return () => ctrl.abort();
  }, [id, tick, t]);

  const running = operation?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [running, operation]);

  const details = (operation?.details ?? {}) as Details;
  const errors = details.errors ?? [];
  const warnings = details.warnings ?? [];
  const merges = details.merges ?? [];

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      width={820}
      destroyOnHidden
      title={
        <Flex align="center" gap={10}>
          {id !== null && t('exchangeOp.title', { id })}
          {operation && <StatusTag status={operation.status} />}
        </Flex>
      }
      data-testid="operation-drawer"
    >
      {error && <Result status="warning" title={error} />}
      {!error && !operation && <Skeleton active paragraph={{ rows: 8 }} />}
      {operation && (
        <Flex vertical gap={20}>
          <Descriptions
            size="small"
            bordered
            column={2}
            items={[
              { key: 'kind', label: t('exchangeLog.col.kind'), children: kindLabel(operation.kind, t) },
              { key: 'source', label: t('exchangeLog.col.source'), children: operation.source },
              { key: 'actor', label: t('exchangeOp.actor'), span: 2, children: operation.actor_name || '—' },
              { key: 'started', label: t('exchangeLog.col.startedAt'), children: formatDateTime(operation.started_at) },
              { key: 'updated', label: t('exchangeLog.col.updatedAt'), children: formatDateTime(operation.updated_at) },
              { key: 'finished', label: t('exchangeOp.finishedAt'), span: 2, children: formatDateTime(operation.finished_at) },
            ]}
          />
          {operation.message && (
            <Alert
              type={operation.status === 'failed' ? 'error' : operation.status === 'warnings' ? 'warning' : 'info'}
              showIcon
              message={
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0, maxHeight: 240, overflow: 'auto' }} data-testid="operation-message">
                  {operation.message}
                </Typography.Paragraph>
              }
            />
          )}
          <section>
            <Typography.Title level={5}>{t('exchangeOp.counts')}</Typography.Title>
            <CountsDescriptions counts={operation.counts} />
          </section>
          <ImportProblems errors={errors} warnings={warnings} merges={merges} testIdPrefix="operation" />
          {errors.length === 0 && warnings.length === 0 && !running && (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('exchangeOp.noProblems')} />
          )}
        </Flex>
      )}
    </Drawer>
  );
}
