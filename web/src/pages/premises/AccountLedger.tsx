// An account's charges and payments, shown under its row in the «Лицевые счета» tab:
// two lists, newest first, with «Добавить начисление» (month, service, amount in ₽; a negative
// amount is a recalculation) and «Добавить оплату» (date, amount, source). Amounts travel in
// kopecks.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Col, DatePicker, Flex, Form, Input, InputNumber, Row, Table, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { accountsApi } from '../../api/resources';
import type { Account, Charge, Payment } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useApiError } from '../../components/useApiError';
import { useI18n } from '../../i18n';
import { formatDate, formatMoney, rublesToKopecks } from '../../utils/format';
import { DateInput } from '../clients/clientFields';

const PAGE = 100;

/** An amount in ₽; with `debt`, a negative value reads as an overpayment. */
export function Money({ kopecks, debt }: { kopecks: number; debt?: boolean }) {
  const { t, lang } = useI18n();
  if (debt && kopecks < 0)
    return (
      <Typography.Text type="success" style={{ whiteSpace: 'nowrap' }} data-testid="money">
        {t('account.overpaid', { amount: formatMoney(-kopecks, lang) })}
      </Typography.Text>
    );
  return (
    <Typography.Text type={debt && kopecks > 0 ? 'danger' : undefined} style={{ whiteSpace: 'nowrap' }} data-testid="money">
      {formatMoney(kopecks, lang)}
    </Typography.Text>
  );
}

interface Props {
  account: Account;
  canWrite: boolean;
  /** A charge or payment was added: the account's debt changed. */
  onChanged: () => void;
}

export function AccountLedger({ account, canWrite, onChanged }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const [charges, setCharges] = useState<{ items: Charge[]; total: number } | null>(null);
  const [payments, setPayments] = useState<{ items: Payment[]; total: number } | null>(null);
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState<'charge' | 'payment' | null>(null);

  useEffect(() => {
    let cancelled = false;
    Promise.all([accountsApi.charges(account.id, { limit: PAGE }), accountsApi.payments(account.id, { limit: PAGE })])
      .then(([c, p]) => {
        if (cancelled) return;
        setCharges(c);
        setPayments(p);
      })
      .catch((err) => !cancelled && showError(err));
    return () => {
      cancelled = true;
    };
  }, [account.id, version, showError]);

  const chargeColumns: TableColumnsType<Charge> = [
    { title: t('ledger.period'), dataIndex: 'period', key: 'period', width: 110, render: (v: string) => dayjs(`${v}-01`).format('MM.YYYY') },
    { title: t('ledger.service'), dataIndex: 'service', key: 'service' },
    { title: t('ledger.amount'), dataIndex: 'amount', key: 'amount', align: 'right', width: 150, render: (v: number) => <Money kopecks={v} /> },
  ];
  const paymentColumns: TableColumnsType<Payment> = [
    { title: t('ledger.date'), dataIndex: 'date', key: 'date', width: 110, render: (v: string) => formatDate(v) },
    { title: t('ledger.source'), dataIndex: 'source', key: 'source', render: (v: string | null) => v || <Typography.Text type="secondary">—</Typography.Text> },
    { title: t('ledger.amount'), dataIndex: 'amount', key: 'amount', align: 'right', width: 150, render: (v: number) => <Money kopecks={v} /> },
  ];

  const added = (what: 'charge' | 'payment') => {
    setAdding(null);
    message.success(what === 'charge' ? t('ledger.chargeAdded') : t('ledger.paymentAdded'));
    setVersion((v) => v + 1);
    onChanged();
  };

  const header = (title: string, total: number | undefined, sum: number | undefined, what: 'charge' | 'payment') => (
    <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
      <span>
        <Typography.Text strong>{title}</Typography.Text>
        {total !== undefined && (
          <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
            {t('common.total', { total })}
            {sum !== undefined && sum !== 0 ? ` · ` : ''}
            {sum !== undefined && sum !== 0 ? <Money kopecks={sum} /> : null}
          </Typography.Text>
        )}
      </span>
      <Button size="small" icon={<PlusOutlined />} disabled={!canWrite} onClick={() => setAdding(what)} data-testid={`add-${what}`}>
        {what === 'charge' ? t('ledger.addCharge') : t('ledger.addPayment')}
      </Button>
    </Flex>
  );

  return (
    <div style={{ padding: '4px 8px 8px' }} data-testid={`ledger-${account.id}`}>
      <Row gutter={24}>
        <Col xs={24} xl={12}>
          {header(t('ledger.charges'), charges?.total, account.charges_total, 'charge')}
          <Table<Charge>
            rowKey="id"
            size="small"
            columns={chargeColumns}
            dataSource={charges?.items ?? []}
            loading={charges === null}
            pagination={false}
            locale={{ emptyText: t('ledger.noCharges') }}
            data-testid="charges-table"
          />
        </Col>
        <Col xs={24} xl={12}>
          {header(t('ledger.payments'), payments?.total, account.payments_total, 'payment')}
          <Table<Payment>
            rowKey="id"
            size="small"
            columns={paymentColumns}
            dataSource={payments?.items ?? []}
            loading={payments === null}
            pagination={false}
            locale={{ emptyText: t('ledger.noPayments') }}
            data-testid="payments-table"
          />
        </Col>
      </Row>
      <ChargeModal open={adding === 'charge'} accountId={account.id} onCancel={() => setAdding(null)} onDone={() => added('charge')} />
      <PaymentModal open={adding === 'payment'} accountId={account.id} onCancel={() => setAdding(null)} onDone={() => added('payment')} />
    </div>
  );
}

/** An amount in ₽ typed with up to 2 decimals («1234,56»). */
function RublesInput({ allowNegative, ...rest }: { allowNegative?: boolean; id?: string; value?: string; onChange?: (v: string | null) => void }) {
  const { lang } = useI18n();
  return (
    <InputNumber<string>
      {...rest}
      stringMode
      precision={2}
      step="0.01"
      min={allowNegative ? undefined : '0.01'}
      decimalSeparator={lang === 'ru' ? ',' : '.'}
      addonAfter="₽"
      style={{ width: '100%' }}
    />
  );
}

interface AddProps {
  open: boolean;
  accountId: number;
  onCancel: () => void;
  onDone: () => void;
}

interface ChargeValues {
  period: Dayjs;
  service: string;
  amount: string;
}

function ChargeModal({ open, accountId, onCancel, onDone }: AddProps) {
  const { t } = useI18n();
  return (
    <FormModal<ChargeValues>
      open={open}
      name="charge"
      title={t('ledger.newCharge')}
      okText={t('common.add')}
      initialValues={{ period: dayjs().startOf('month') }}
      onCancel={onCancel}
      onSubmit={(v) =>
        accountsApi.addCharge(accountId, { period: v.period.format('YYYY-MM'), service: v.service.trim(), amount: rublesToKopecks(v.amount) ?? 0 })
      }
      onDone={onDone}
    >
      <Row gutter={16}>
        <Col xs={24} sm={10}>
          <Form.Item label={t('ledger.period')} name="period" rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker picker="month" format="MM.YYYY" style={{ width: '100%' }} allowClear={false} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item
            label={t('ledger.amount')}
            name="amount"
            extra={t('ledger.chargeAmountHint')}
            rules={[
              { required: true, message: t('common.required') },
              { validator: (_r, v) => (v == null || Number(v) !== 0 ? Promise.resolve() : Promise.reject(new Error(t('ledger.amountNonZero')))) },
            ]}
          >
            <RublesInput allowNegative />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('ledger.service')} name="service" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input maxLength={200} placeholder={t('ledger.servicePlaceholder')} />
      </Form.Item>
    </FormModal>
  );
}

interface PaymentValues {
  date: Dayjs;
  amount: string;
  source?: string;
}

function PaymentModal({ open, accountId, onCancel, onDone }: AddProps) {
  const { t } = useI18n();
  return (
    <FormModal<PaymentValues>
      open={open}
      name="payment"
      title={t('ledger.newPayment')}
      okText={t('common.add')}
      initialValues={{ date: dayjs() }}
      onCancel={onCancel}
      onSubmit={(v) =>
        accountsApi.addPayment(accountId, {
          date: v.date.format('YYYY-MM-DD'),
          amount: rublesToKopecks(v.amount) ?? 0,
          ...(v.source && v.source.trim() ? { source: v.source.trim() } : {}),
        })
      }
      onDone={onDone}
    >
      <Row gutter={16}>
        <Col xs={24} sm={10}>
          <Form.Item label={t('ledger.date')} name="date" rules={[{ required: true, message: t('common.required') }]}>
            <DateInput disabledDate={(d) => d.isAfter(dayjs(), 'day')} allowClear={false} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item label={t('ledger.amount')} name="amount" rules={[{ required: true, message: t('common.required') }]}>
            <RublesInput />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('ledger.source')} name="source">
        <Input maxLength={200} placeholder={t('ledger.sourcePlaceholder')} />
      </Form.Item>
    </FormModal>
  );
}
