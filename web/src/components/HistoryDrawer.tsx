// «История изменений» (P-5): a drawer listing GET …/{id}/history newest first — who, when,
// and each changed field as «old → new» with the field's label in the UI language. The
// caller names the fields and may format values of its own fields (types, enums, ids).
import { ArrowRightOutlined, HistoryOutlined } from '@ant-design/icons';
import { Button, Drawer, Empty, Flex, Result, Skeleton, Tag, Timeline, Typography } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { HistoryEntry, HistoryList } from '../api/types';
import { useI18n, type TFunction } from '../i18n';
import { formatDateTime } from '../utils/format';
import { errorText } from './useApiError';

const PAGE = 20;

export interface HistoryFormat {
  /** Label of a field; unknown fields show their API name. */
  label: (field: string) => string | undefined;
  /** A value of a field as shown; `undefined` → the default rendering. */
  value?: (field: string, value: unknown) => ReactNode | undefined;
  /** Fields not to show (e.g. derived ones). */
  hidden?: readonly string[];
  /** Order of the fields within an entry (as on the card); others follow by name. */
  order?: readonly string[];
}

interface Props {
  open: boolean;
  onClose: () => void;
  /** Changes when the record changed, to reload an open drawer. */
  version?: string;
  load: (params: { limit: number; offset: number }) => Promise<HistoryList>;
  format: HistoryFormat;
  subtitle?: ReactNode;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The default rendering of a history value. */
export function defaultHistoryValue(value: unknown, t: TFunction): ReactNode {
  if (value === null || value === undefined || value === '') return <Typography.Text type="secondary">—</Typography.Text>;
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const d = DATE.exec(value);
    if (d) return `${d[3]}.${d[2]}.${d[1]}`;
    if (TIMESTAMP.test(value)) return formatDateTime(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
    return value.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v))).join(', ');
  }
  return JSON.stringify(value);
}

const actionColor: Record<HistoryEntry['action'], string> = { created: 'green', updated: 'blue', deleted: 'red' };

export function HistoryDrawer({ open, onClose, version, load, format, subtitle }: Props) {
  const { t } = useI18n();
  const [items, setItems] = useState<HistoryEntry[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(
    async (offset: number) => {
      setLoading(true);
      setError(null);
      try {
        const res = await load({ limit: PAGE, offset });
        setItems((prev) => (offset === 0 ? res.items : [...prev, ...res.items]));
        setTotal(res.total);
      } catch (err) {
        setError(errorText(err, t));
      } finally {
        setLoading(false);
      }
    },
    [load, t],
  );

  useEffect(() => {
    if (open) void fetchPage(0);
  }, [open, version, fetchPage]);

  const show = (field: string, value: unknown) => {
    const custom = format.value?.(field, value);
    return custom === undefined ? defaultHistoryValue(value, t) : custom;
  };

  const entry = (e: HistoryEntry) => {
    const rank = (f: string) => {
      const i = format.order?.indexOf(f) ?? -1;
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const changes = Object.entries(e.changes ?? {})
      .filter(([f]) => !format.hidden?.includes(f))
      .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
    return (
      <div data-testid="history-entry">
        <Flex gap={8} align="center" wrap>
          <Tag color={actionColor[e.action]} bordered={false} style={{ marginInlineEnd: 0 }}>
            {t(`history.action.${e.action}`)}
          </Tag>
          <Typography.Text strong data-testid="history-actor">
            {e.actor || t('history.unknownActor')}
          </Typography.Text>
          <Typography.Text type="secondary" data-testid="history-time">
            {formatDateTime(e.changed_at)}
          </Typography.Text>
        </Flex>
        {changes.length > 0 && (
          <div style={{ marginTop: 6, display: 'grid', gridTemplateColumns: 'minmax(120px, max-content) 1fr', columnGap: 12, rowGap: 4 }}>
            {changes.map(([field, c]) => (
              <div key={field} style={{ display: 'contents' }} data-testid="history-change" data-field={field}>
                <Typography.Text type="secondary">{format.label(field) ?? field}</Typography.Text>
                <span style={{ wordBreak: 'break-word' }}>
                  {e.action === 'created' ? (
                    show(field, c.new)
                  ) : e.action === 'deleted' ? (
                    show(field, c.old)
                  ) : (
                    <>
                      <span data-part="old" style={{ color: '#8c8c8c' }}>
                        {show(field, c.old)}
                      </span>
                      <ArrowRightOutlined style={{ margin: '0 8px', fontSize: 11, color: '#8c8c8c' }} />
                      <span data-part="new">{show(field, c.new)}</span>
                    </>
                  )}
                </span>
              </div>
            ))}
          </div>
        )}
      </div>
    );
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={560}
      title={
        <Flex vertical>
          <span>{t('history.title')}</span>
          {subtitle && (
            <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 13 }}>
              {subtitle}
            </Typography.Text>
          )}
        </Flex>
      }
      data-testid="history-drawer"
    >
      {error ? (
        <Result status="error" title={error} extra={<Button onClick={() => void fetchPage(0)}>{t('common.reload')}</Button>} />
      ) : items.length === 0 && loading ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : items.length === 0 ? (
        <Empty image={<HistoryOutlined style={{ fontSize: 40, color: '#bfbfbf' }} />} description={t('history.empty')} />
      ) : (
        <>
          <Timeline
            items={items.map((e) => ({ key: e.id, color: actionColor[e.action], children: entry(e) }))}
            style={{ marginTop: 8 }}
          />
          {items.length < total && (
            <Flex justify="center">
              <Button loading={loading} onClick={() => void fetchPage(items.length)} data-testid="history-more">
                {t('history.more', { n: total - items.length })}
              </Button>
            </Flex>
          )}
        </>
      )}
    </Drawer>
  );
}
