// «Интеграция» → «Обмен данными» → «Лог» (SPEC I-9): the organisation's exchange operations,
// newest first, paged by the server, filtered by status and kind; «Обновить», and a quiet
// re-read every 3 seconds while any row of the page is running. A row opens its drawer.
import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { Button, Flex, Select, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { exchangeApi } from '../../api/resources';
import type { ExchangeOperation, ExchangeOperationKind, ExchangeOperationStatus } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { useApiError } from '../../components/useApiError';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../utils/format';
import { KINDS, kindLabel, STATUSES, StatusTag } from './exchangeLabels';
import { OperationDrawer, REFRESH_MS } from './OperationDrawer';

const PAGE_SIZES = [10, 20, 50, 100];

/** The first line of the message: the summary; the drawer shows the whole text. */
const firstLine = (message: string) => message.split('\n', 1)[0];

export function ExchangeLogTab() {
  const { t } = useI18n();
  const showError = useApiError();
  const [status, setStatus] = useState<ExchangeOperationStatus | undefined>();
  const [kind, setKind] = useState<ExchangeOperationKind | undefined>();
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(20);
  const [items, setItems] = useState<ExchangeOperation[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const [openId, setOpenId] = useState<number | null>(null);
  // an automatic re-read does not blank the table with the loading veil
  const quiet = useRef(false);

  useEffect(() => {
    const ctrl = new AbortController();
    if (!quiet.current) setLoading(true);
    quiet.current = false;
    exchangeApi
      .operations({ status, kind, limit: size, offset: (page - 1) * size }, ctrl.signal)
      .then((res) => {
        if (ctrl.signal.aborted) return;
        if (res.items.length === 0 && res.total > 0 && page > 1) {
          setPage(Math.max(1, Math.ceil(res.total / size)));
          return;
        }
        setItems(res.items);
        setTotal(res.total);
        setLoading(false);
      })
      .catch((err) => {
        if (ctrl.signal.aborted || (err as Error).name === 'AbortError') return;
        setLoading(false);
        showError(err);
      });
    return () => ctrl.abort();
  }, [status, kind, page, size, version, showError]);

  const running = items.some((o) => o.status === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      quiet.current = true;
      setVersion((v) => v + 1);
    }, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [running, items]);

  const columns: TableColumnsType<ExchangeOperation> = [
    { title: t('exchangeLog.col.status'), dataIndex: 'status', key: 'status', width: 150, render: (v: string) => <StatusTag status={v} /> },
    { title: t('exchangeLog.col.kind'), dataIndex: 'kind', key: 'kind', width: 190, render: (v: string) => kindLabel(v, t) },
    { title: t('exchangeLog.col.source'), dataIndex: 'source', key: 'source', width: 130, ellipsis: true },
    {
      title: t('exchangeLog.col.message'),
      dataIndex: 'message',
      key: 'message',
      ellipsis: { showTitle: false },
      render: (v: string) =>
        v ? (
          <Tooltip title={firstLine(v)} placement="topLeft">
            <span data-testid="operation-message-cell">{firstLine(v)}</span>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    { title: t('exchangeLog.col.startedAt'), dataIndex: 'started_at', key: 'started', width: 170, render: formatDateTime },
    { title: t('exchangeLog.col.updatedAt'), dataIndex: 'updated_at', key: 'updated', width: 170, render: formatDateTime },
  ];

  const filtered = !!status || !!kind;

  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 16 }}>
        <Flex gap={12} wrap align="center">
          <Select<ExchangeOperationStatus>
            allowClear
            placeholder={t('exchangeLog.allStatuses')}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`exchange.status.${s}` as MessageKey) }))}
            style={{ width: 200 }}
            data-testid="status-filter"
          />
          <Select<ExchangeOperationKind>
            allowClear
            placeholder={t('exchangeLog.allKinds')}
            value={kind}
            onChange={(v) => {
              setKind(v);
              setPage(1);
            }}
            options={KINDS.map((k) => ({ value: k, label: kindLabel(k, t) }))}
            style={{ width: 200 }}
            data-testid="kind-filter"
          />
          {running && (
            <Typography.Text type="secondary" data-testid="auto-refresh">
              <SyncOutlined spin style={{ marginInlineEnd: 6 }} />
              {t('exchangeLog.autoRefresh')}
            </Typography.Text>
          )}
        </Flex>
        <Button icon={<ReloadOutlined />} onClick={() => setVersion((v) => v + 1)} data-testid="refresh-button">
          {t('exchangeLog.refresh')}
        </Button>
      </Flex>
      <Table<ExchangeOperation>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={{
          current: page,
          pageSize: size,
          total,
          showSizeChanger: true,
          pageSizeOptions: PAGE_SIZES,
          showTotal: (n) => t('common.total', { total: n }),
          onChange: (p, s) => {
            if (s !== size) {
              setSize(s);
              setPage(1);
            } else setPage(p);
          },
        }}
        onRow={(row) => ({ onClick: () => setOpenId(row.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <EmptyState text={t('exchangeLog.empty')} filtered={filtered} /> }}
        data-testid="operations-table"
      />
      <OperationDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}
