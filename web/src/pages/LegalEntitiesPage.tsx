// «Юр. лица»: legal entities of the organisation (name, ИНН, КПП, ОГРН).
import { App, Card, Col, Form, Input, Row, Table, Typography, type TableColumnsType } from 'antd';
import { useState, type ChangeEvent } from 'react';
import { legalEntitiesApi } from '../api/resources';
import type { LegalEntity, LegalEntityInput } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { EmptyState } from '../components/EmptyState';
import { FormModal } from '../components/FormModal';
import { PageHeader } from '../components/PageHeader';
import { RowActions } from '../components/RowActions';
import { TableToolbar } from '../components/TableToolbar';
import { useServerList } from '../components/useServerList';
import { useI18n } from '../i18n';
import { compactBody, formatDateTime, patchBody } from '../utils/format';

const mono = (v: string | null) => (v ? <Typography.Text style={{ fontVariantNumeric: 'tabular-nums' }}>{v}</Typography.Text> : '—');

export function LegalEntitiesPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { canWrite } = useAuth();
  const list = useServerList<LegalEntity>(legalEntitiesApi.list);
  const [editing, setEditing] = useState<LegalEntity | 'new' | null>(null);

  const columns: TableColumnsType<LegalEntity> = [
    { title: t('legal.name'), dataIndex: 'name', key: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: t('legal.inn'), dataIndex: 'inn', key: 'inn', width: 140, render: mono },
    { title: t('legal.kpp'), dataIndex: 'kpp', key: 'kpp', width: 120, render: mono },
    { title: t('legal.ogrn'), dataIndex: 'ogrn', key: 'ogrn', width: 170, render: mono },
    { title: t('common.updatedAt'), dataIndex: 'updated_at', key: 'updated_at', width: 160, render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      align: 'right',
      render: (_, row) => (
        <RowActions canWrite={canWrite} onEdit={() => setEditing(row)} onDelete={() => legalEntitiesApi.remove(row.id)} onDeleted={list.reload} />
      ),
    },
  ];

  const current = editing === 'new' ? null : editing;
  const digits = (n: number) => (e: ChangeEvent<HTMLInputElement>) => e.target.value.replace(/\D+/g, '').slice(0, n);
  // КПП: digits, and Latin capitals are allowed in positions 5–6
  const kpp = (e: ChangeEvent<HTMLInputElement>) => e.target.value.toUpperCase().replace(/[^0-9A-Z]+/g, '').slice(0, 9);

  return (
    <>
      <PageHeader title={t('legal.title')} />
      <Card>
        <TableToolbar
          onSearch={list.setQ}
          searchPlaceholder={t('legal.search')}
          onAdd={() => setEditing('new')}
          canAdd={canWrite}
        />
        <Table<LegalEntity>
          rowKey="id"
          columns={columns}
          dataSource={list.items}
          loading={list.loading}
          pagination={list.pagination}
          locale={{ emptyText: <EmptyState text={t('legal.empty')} filtered={!!list.q} /> }}
          data-testid="legal-table"
        />
      </Card>
      <FormModal<LegalEntityInput>
        name="legal"
        width={600}
        open={editing !== null}
        title={current ? t('legal.edit') : t('legal.new')}
        initialValues={
          current ? { name: current.name, inn: current.inn, kpp: current.kpp ?? undefined, ogrn: current.ogrn ?? undefined } : {}
        }
        onCancel={() => setEditing(null)}
        onSubmit={(v) =>
          current ? legalEntitiesApi.update(current.id, patchBody(v)) : legalEntitiesApi.create(compactBody(v) as LegalEntityInput)
        }
        onDone={() => {
          message.success(current ? t('common.saved') : t('common.created'));
          setEditing(null);
          list.reload();
        }}
      >
        <Form.Item label={t('legal.name')} name="name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={300} autoFocus />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item label={t('legal.inn')} name="inn" getValueFromEvent={digits(10)} rules={[{ required: true, message: t('common.required') }]}>
              <Input inputMode="numeric" placeholder={t('legal.innHint')} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={7}>
            <Form.Item label={t('legal.kpp')} name="kpp" getValueFromEvent={kpp}>
              <Input inputMode="numeric" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={9}>
            <Form.Item label={t('legal.ogrn')} name="ogrn" getValueFromEvent={digits(15)}>
              <Input inputMode="numeric" />
            </Form.Item>
          </Col>
        </Row>
      </FormModal>
    </>
  );
}
