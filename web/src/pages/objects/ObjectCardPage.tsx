// Object card (/objects/:id): the object's fields, its entrances and floors.
import { SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Flex, Form, Input, InputNumber, Result, Row, Select, Skeleton, Table, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { entrancesApi, floorsApi, objectsApi } from '../../api/resources';
import type { Entrance, EntranceInput, Floor, FloorInput, RealtyObject, RealtyObjectInput } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { EmptyState } from '../../components/EmptyState';
import { FormModal } from '../../components/FormModal';
import { PageHeader } from '../../components/PageHeader';
import { RowActions } from '../../components/RowActions';
import { TableToolbar } from '../../components/TableToolbar';
import { useApiError } from '../../components/useApiError';
import { searchableSelect, useOptions } from '../../components/useOptions';
import { useServerList } from '../../components/useServerList';
import { useI18n, type TFunction } from '../../i18n';
import { compactBody, formatAddress, formatDateTime, patchBody } from '../../utils/format';
import { ObjectFormFields } from './ObjectFormFields';

function entranceLabel(e: Pick<Entrance, 'number' | 'name'>, t: TFunction): string {
  return e.name ? `${e.number} — ${e.name}` : t('entrance.label', { number: e.number });
}

export function ObjectCardPage() {
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const { t } = useI18n();
  const navigate = useNavigate();
  const [object, setObject] = useState<RealtyObject | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const showError = useApiError();
  // bumped when entrances change, so the floors' entrance names reload
  const [entrancesKey, setEntrancesKey] = useState(0);

  useEffect(() => {
    if (!Number.isInteger(id) || id <= 0) {
      setLoadError(new ApiError(404, 'not_found', ''));
      return;
    }
    setObject(null);
    setLoadError(null);
    objectsApi
      .get(id)
      .then(setObject)
      .catch((err) => {
        if (err instanceof ApiError) setLoadError(err);
        showError(err);
      });
  }, [id, showError]);

  const back = () => navigate('/objects');

  if (loadError) {
    return (
      <Card>
        <Result
          status={loadError.status === 404 ? '404' : 'error'}
          title={loadError.status === 404 ? t('error.notFound') : loadError.message || t('error.generic')}
          extra={<Button onClick={back}>{t('common.back')}</Button>}
        />
      </Card>
    );
  }

  if (!object) {
    return (
      <>
        <PageHeader title={t('object.card')} onBack={back} />
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader title={object.name} subtitle={formatAddress(object)} onBack={back} />
      <Row gutter={[20, 20]}>
        <Col xs={24} xl={10}>
          <GeneralCard object={object} onSaved={setObject} />
        </Col>
        <Col xs={24} xl={14}>
          <Flex vertical gap={20}>
            <EntrancesCard objectId={object.id} onChanged={() => setEntrancesKey((k) => k + 1)} />
            <FloorsCard objectId={object.id} entrancesKey={entrancesKey} />
          </Flex>
        </Col>
      </Row>
    </>
  );
}

function GeneralCard({ object, onSaved }: { object: RealtyObject; onSaved: (o: RealtyObject) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { canWrite } = useAuth();
  const [form] = Form.useForm<RealtyObjectInput>();
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);
  const showError = useApiError();

  const initial = useMemo(
    () => ({
      name: object.name,
      object_group_id: object.object_group_id ?? undefined,
      quarter_id: object.quarter_id ?? undefined,
      city: object.city ?? undefined,
      street: object.street,
      house: object.house,
      external_id: object.external_id ?? undefined,
    }),
    [object],
  );

  useEffect(() => {
    form.resetFields();
    setDirty(false);
  }, [initial, form]);

  const save = async (values: RealtyObjectInput) => {
    setSaving(true);
    try {
      const updated = await objectsApi.update(object.id, patchBody(values));
      message.success(t('common.saved'));
      onSaved(updated);
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title={t('object.general')}>
      <Form<RealtyObjectInput>
        form={form}
        name="object_card"
        layout="vertical"
        initialValues={initial}
        onFinish={save}
        onValuesChange={() => setDirty(true)}
        disabled={!canWrite}
      >
        <ObjectFormFields />
        <Flex justify="flex-end">
          <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={saving} disabled={!dirty}>
            {t('common.save')}
          </Button>
        </Flex>
      </Form>
      <Descriptions
        size="small"
        column={1}
        style={{ marginTop: 20, paddingTop: 16, borderTop: '1px solid #f0f0f0' }}
        items={[
          { key: 'created', label: t('common.createdAt'), children: <span data-testid="created-at">{formatDateTime(object.created_at)}</span> },
          { key: 'updated', label: t('common.updatedAt'), children: <span data-testid="updated-at">{formatDateTime(object.updated_at)}</span> },
        ]}
      />
    </Card>
  );
}

function EntrancesCard({ objectId, onChanged }: { objectId: number; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { canWrite } = useAuth();
  const entrances = useMemo(() => entrancesApi(objectId), [objectId]);
  const list = useServerList<Entrance>(entrances.list, {}, 10);
  const [editing, setEditing] = useState<Entrance | 'new' | null>(null);
  const changed = () => {
    list.reload();
    onChanged();
  };

  const columns: TableColumnsType<Entrance> = [
    { title: t('entrance.number'), dataIndex: 'number', key: 'number', width: 100 },
    { title: t('entrance.name'), dataIndex: 'name', key: 'name', render: (v: string | null) => v || '—' },
    { title: t('common.updatedAt'), dataIndex: 'updated_at', key: 'updated_at', width: 160, render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      align: 'right',
      render: (_, row) => (
        <RowActions canWrite={canWrite} onEdit={() => setEditing(row)} onDelete={() => entrances.remove(row.id)} onDeleted={changed} />
      ),
    },
  ];

  const current = editing === 'new' ? null : editing;
  return (
    <Card title={t('object.entrances')} data-testid="entrances-card">
      <TableToolbar onSearch={list.setQ} onAdd={() => setEditing('new')} canAdd={canWrite} />
      <Table<Entrance>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={list.total > 10 ? list.pagination : false}
        locale={{ emptyText: <EmptyState text={t('entrance.empty')} filtered={!!list.q} /> }}
      />
      <FormModal<EntranceInput>
        name="entrance"
        open={editing !== null}
        title={current ? t('entrance.edit') : t('entrance.new')}
        initialValues={current ? { number: current.number, name: current.name ?? undefined } : {}}
        onCancel={() => setEditing(null)}
        onSubmit={(v) => (current ? entrances.update(current.id, patchBody(v)) : entrances.create(compactBody(v) as EntranceInput))}
        onDone={() => {
          message.success(current ? t('common.saved') : t('common.created'));
          setEditing(null);
          changed();
        }}
      >
        <Form.Item label={t('entrance.number')} name="number" rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={1} max={999} precision={0} style={{ width: '100%' }} autoFocus />
        </Form.Item>
        <Form.Item label={t('entrance.name')} name="name">
          <Input maxLength={100} />
        </Form.Item>
      </FormModal>
    </Card>
  );
}

function FloorsCard({ objectId, entrancesKey }: { objectId: number; entrancesKey: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { canWrite } = useAuth();
  const floors = useMemo(() => floorsApi(objectId), [objectId]);
  const entrances = useMemo(() => entrancesApi(objectId), [objectId]);
  const label = useCallback((e: Entrance) => entranceLabel(e, t), [t]);
  const entranceOptions = useOptions(entrances.list, label, `${objectId}:${entrancesKey}`);
  const [entranceFilter, setEntranceFilter] = useState<number | undefined>();
  const list = useServerList<Floor, { entrance_id?: number }>(floors.list, { entrance_id: entranceFilter }, 10);
  const [editing, setEditing] = useState<Floor | 'new' | null>(null);

  useEffect(() => {
    list.reload();
    // entrance names changed: the table shows them
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entrancesKey]);

  const columns: TableColumnsType<Floor> = [
    { title: t('floor.number'), dataIndex: 'number', key: 'number', width: 100 },
    {
      title: t('floor.entrance'),
      dataIndex: 'entrance_id',
      key: 'entrance',
      render: (eid: number | null) => {
        if (!eid) return t('floor.noEntrance');
        const e = entranceOptions.byId.get(eid);
        return e ? entranceLabel(e, t) : `#${eid}`;
      },
    },
    { title: t('common.updatedAt'), dataIndex: 'updated_at', key: 'updated_at', width: 160, render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      align: 'right',
      render: (_, row) => (
        <RowActions canWrite={canWrite} onEdit={() => setEditing(row)} onDelete={() => floors.remove(row.id)} onDeleted={list.reload} />
      ),
    },
  ];

  const current = editing === 'new' ? null : editing;
  return (
    <Card title={t('object.floors')} data-testid="floors-card">
      <TableToolbar
        onAdd={() => setEditing('new')}
        canAdd={canWrite}
        filters={
          <Select
            {...searchableSelect}
            placeholder={t('floor.allEntrances')}
            options={entranceOptions.options}
            loading={entranceOptions.loading}
            value={entranceFilter}
            onChange={(v?: number) => setEntranceFilter(v ?? undefined)}
            style={{ width: 200 }}
            data-testid="filter-entrance"
          />
        }
      />
      <Table<Floor>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={list.total > 10 ? list.pagination : false}
        locale={{ emptyText: <EmptyState text={t('floor.empty')} filtered={!!entranceFilter} /> }}
      />
      <FormModal<FloorInput>
        name="floor"
        open={editing !== null}
        title={current ? t('floor.edit') : t('floor.new')}
        initialValues={current ? { number: current.number, entrance_id: current.entrance_id ?? undefined } : { entrance_id: entranceFilter }}
        onCancel={() => setEditing(null)}
        onSubmit={(v) => (current ? floors.update(current.id, patchBody(v)) : floors.create(compactBody(v) as FloorInput))}
        onDone={() => {
          message.success(current ? t('common.saved') : t('common.created'));
          setEditing(null);
          list.reload();
        }}
      >
        <Form.Item label={t('floor.number')} name="number" rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={-20} max={300} precision={0} style={{ width: '100%' }} autoFocus />
        </Form.Item>
        <Form.Item label={t('floor.entrance')} name="entrance_id">
          <Select {...searchableSelect} options={entranceOptions.options} loading={entranceOptions.loading} placeholder={t('floor.noEntrance')} />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
