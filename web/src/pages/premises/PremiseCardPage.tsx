// Premise card (/premises/:id, R-6…R-8): the derived address as the title, tabs; «Общие
// сведения» edits the premise, «Действия» → «Сохранить» / «Удалить» (with what the delete takes
// along, from GET /premises/{id}/dependents); «История изменений» opens the change history.
// «Клиенты» (PremiseClientsTab) and «Лицевые счета» (PremiseAccountsTab) load their own data.
import { DeleteOutlined, DownOutlined, HistoryOutlined, SaveOutlined } from '@ant-design/icons';
import {
  App, Button, Card, Col, Descriptions, Divider, Dropdown, Form, Input, Row, Switch, Tabs, Tag,
  type FormInstance, type MenuProps,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { premisesApi } from '../../api/resources';
import type { Premise, PremiseDependents, PremisePatch, PremiseType } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { CardLoadError, CardLoading, TabComingLater } from '../../components/CardStates';
import { HistoryDrawer } from '../../components/HistoryDrawer';
import { PageHeader } from '../../components/PageHeader';
import { TagSelect } from '../../components/TagSelect';
import { useApiError } from '../../components/useApiError';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime, patchBody } from '../../utils/format';
import { AddressFields, AreaFields, EntranceFloorFields, TypeField } from './PremiseFields';
import { PremiseAccountsTab } from './PremiseAccountsTab';
import { PremiseClientsTab } from './PremiseClientsTab';
import { usePremiseHistoryFormat } from './premiseHistory';
import { ADDRESS_FIELDS, addressBody, typeHasField, typeLabelKey, type AddressField } from './premiseTypes';

type CardValues = Partial<Record<AddressField, string>> & {
  type: PremiseType;
  entrance_id?: number | null;
  floor_id?: number | null;
  total_area?: number | null;
  living_area?: number | null;
  rooms?: number | null;
  online_payment?: boolean;
  note?: string;
  tags?: string[];
  external_id?: string;
};

const TABS = ['general', 'clients', 'accounts', 'documents', 'activity'] as const;
type TabKey = (typeof TABS)[number];
const DEPENDENTS = ['accounts', 'charges', 'payments', 'links'] as const;

function initialValues(p: Premise): CardValues {
  return {
    type: p.type,
    number: p.number ?? undefined,
    street: p.street ?? undefined,
    house: p.house ?? undefined,
    level: p.level ?? undefined,
    room: p.room ?? undefined,
    entrance_id: p.entrance_id ?? undefined,
    floor_id: p.floor_id ?? undefined,
    total_area: p.total_area ?? undefined,
    living_area: p.living_area ?? undefined,
    rooms: p.rooms ?? undefined,
    online_payment: p.online_payment,
    note: p.note ?? undefined,
    tags: p.tags ?? [],
    external_id: p.external_id ?? undefined,
  };
}

/**
 * The PATCH body: the type, its address fields, and the rest; empty values clear. The server
 * validates the record as a whole, so after a type change the address fields the new type
 * does not have are cleared (sent as null) when the premise still has them.
 */
function toPatch(v: CardValues, current: Premise): PremisePatch {
  const dropped: Partial<Record<AddressField, null>> = {};
  for (const f of ADDRESS_FIELDS) if (!typeHasField(v.type, f) && current[f] != null) dropped[f] = null;
  return {
    type: v.type,
    ...dropped,
    ...addressBody(v.type, v, true),
    ...patchBody({
      entrance_id: v.entrance_id,
      floor_id: v.floor_id,
      total_area: v.total_area,
      living_area: v.living_area,
      rooms: v.rooms,
      note: v.note,
      external_id: v.external_id,
    }),
    online_payment: !!v.online_payment,
    tags: (v.tags ?? []).map((s) => s.trim()).filter((s) => s !== ''),
  };
}

export function PremiseCardPage() {
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { canWrite } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const showError = useApiError();
  const [form] = Form.useForm<CardValues>();
  const [premise, setPremise] = useState<Premise | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [historyVersion, setHistoryVersion] = useState(0);
  const historyFormat = usePremiseHistoryFormat(premise?.object_id ?? 0, historyOpen && !!premise);
  const loadHistory = useCallback((p: { limit: number; offset: number }) => premisesApi.history(id, p), [id]);

  // back to the list as it was (search, filters, page) when the card was opened from it
  const listSearch = (location.state as { list?: string } | null)?.list ?? '';
  const back = useCallback(() => navigate(`/premises${listSearch}`), [navigate, listSearch]);
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'general';

  useEffect(() => {
    if (!Number.isInteger(id) || id <= 0) {
      setLoadError(new ApiError(404, 'not_found', ''));
      return;
    }
    setPremise(null);
    setLoadError(null);
    premisesApi
      .get(id)
      .then(setPremise)
      .catch((err) => {
        if (err instanceof ApiError) setLoadError(err);
        showError(err);
      });
  }, [id, showError]);

  const save = async (values: CardValues) => {
    if (!premise) return;
    setSaving(true);
    try {
      const updated = await premisesApi.update(premise.id, toPatch(values, premise));
      setPremise(updated);
      setDirty(false);
      message.success(t('common.saved'));
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  const confirmDelete = async () => {
    if (!premise) return;
    let deps: PremiseDependents;
    try {
      deps = await premisesApi.dependents(premise.id);
    } catch (err) {
      showError(err);
      return;
    }
    const lost = DEPENDENTS.filter((k) => (deps[k] ?? 0) > 0).map((k) => t(`premise.dep.${k}` as MessageKey, { n: deps[k] }));
    modal.confirm({
      title: t('premise.deleteTitle'),
      content: (
        <div data-testid="delete-confirm-text">
          <p style={{ marginTop: 0 }}>
            {lost.length > 0 ? t('premise.deleteLoses', { items: lost.join(', ') }) : t('premise.deleteSimple', { address: premise.address })}
          </p>
          {deps.links > 0 && <p>{t('premise.deleteAccess')}</p>}
          <p style={{ marginBottom: 0 }}>{t('premise.deleteIrreversible')}</p>
        </div>
      ),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      width: 480,
      onOk: async () => {
        try {
          await premisesApi.remove(premise.id);
          message.success(t('premise.deleted'));
          navigate(`/premises${listSearch}`, { replace: true });
        } catch (err) {
          showError(err);
        }
      },
    });
  };

  const actions: MenuProps['items'] = [
    { key: 'save', icon: <SaveOutlined />, label: t('common.save'), disabled: !canWrite || saving },
    { type: 'divider' },
    { key: 'delete', icon: <DeleteOutlined />, label: t('common.delete'), danger: true, disabled: !canWrite },
  ];
  const onAction: MenuProps['onClick'] = ({ key }) => {
    if (key === 'save') {
      if (tab !== 'general') setParams({}, { replace: true });
      form.submit();
    } else if (key === 'delete') void confirmDelete();
  };

  if (loadError) return <CardLoadError error={loadError} onBack={back} />;
  if (!premise) return <CardLoading title={t('premise.card')} onBack={back} />;

  const later = (key: TabKey) => <TabComingLater tabTitle={t(`premise.tab.${key}` as MessageKey)} />;

  return (
    <>
      <PageHeader
        title={<span data-testid="premise-title">{premise.address}</span>}
        documentTitle={premise.address}
        subtitle={
          <>
            {t(typeLabelKey(premise.type))} ·{' '}
            <Link to={`/objects/${premise.object_id}`} data-testid="premise-object">
              {premise.object_name}
            </Link>
          </>
        }
        onBack={back}
        extra={
          <>
            {dirty && (
              <Tag color="warning" style={{ alignSelf: 'center', marginInlineEnd: 0 }} data-testid="unsaved">
                {t('premise.unsaved')}
              </Tag>
            )}
            <Button icon={<HistoryOutlined />} onClick={() => setHistoryOpen(true)} data-testid="history-button">
              {t('history.title')}
            </Button>
            <Dropdown menu={{ items: actions, onClick: onAction }} trigger={['click']} placement="bottomRight">
              <Button type="primary" loading={saving} data-testid="actions-button">
                {t('common.actions')} <DownOutlined />
              </Button>
            </Dropdown>
          </>
        }
      />
      <Card styles={{ body: { paddingTop: 8 } }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'general' ? {} : { tab: key }, { replace: true, state: location.state })}
          items={[
            {
              key: 'general',
              label: t('premise.tab.general'),
              children: (
                <GeneralTab premise={premise} form={form} onFinish={save} onChange={() => setDirty(true)} canWrite={canWrite} />
              ),
            },
            {
              key: 'clients',
              label: t('premise.tab.clients'),
              children: (
                <PremiseClientsTab
                  premiseId={premise.id}
                  canWrite={canWrite}
                  onOpenGeneral={() => setParams({}, { replace: true, state: location.state })}
                  onChanged={() => setHistoryVersion((v) => v + 1)}
                />
              ),
            },
            {
              key: 'accounts',
              label: t('premise.tab.accounts'),
              children: <PremiseAccountsTab premiseId={premise.id} canWrite={canWrite} />,
            },
            ...(['documents', 'activity'] as const).map((key) => ({
              key,
              label: t(`premise.tab.${key}` as MessageKey),
              children: later(key),
            })),
          ]}
        />
      </Card>
      <HistoryDrawer
        open={historyOpen}
        onClose={() => setHistoryOpen(false)}
        version={`${premise.updated_at}:${historyVersion}`}
        load={loadHistory}
        format={historyFormat}
        subtitle={premise.address}
      />
    </>
  );
}

interface GeneralProps {
  premise: Premise;
  form: FormInstance<CardValues>;
  onFinish: (v: CardValues) => void;
  onChange: () => void;
  canWrite: boolean;
}

function GeneralTab({ premise, form, onFinish, onChange, canWrite }: GeneralProps) {
  const { t } = useI18n();
  const initial = useMemo(() => initialValues(premise), [premise]);
  const type = Form.useWatch('type', form) ?? premise.type;

  useEffect(() => {
    form.resetFields();
  }, [initial, form]);

  return (
    <Form<CardValues>
      form={form}
      name="premise_card"
      layout="vertical"
      initialValues={initial}
      onFinish={onFinish}
      onValuesChange={onChange}
      disabled={!canWrite}
      style={{ maxWidth: 960, paddingTop: 8 }}
    >
      <Divider orientation="left" orientationMargin={0} style={{ marginTop: 0 }}>
        {t('premise.section.address')}
      </Divider>
      <AddressFields
        type={type}
        prefix={
          <Col xs={24} sm={8}>
            <TypeField />
          </Col>
        }
      />
      <EntranceFloorFields objectId={premise.object_id} />

      <Divider orientation="left" orientationMargin={0}>
        {t('premise.section.params')}
      </Divider>
      <AreaFields withRooms />
      <Form.Item label={t('premise.onlinePayment')} name="online_payment" valuePropName="checked" extra={t('premise.onlinePaymentHint')}>
        <Switch />
      </Form.Item>

      <Divider orientation="left" orientationMargin={0}>
        {t('premise.section.extra')}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} sm={16}>
          <Form.Item label={t('premise.tags')} name="tags" extra={t('premise.tagsHint')}>
            <TagSelect placeholder={t('premise.tags')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item label={t('premise.externalId')} name="external_id">
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('premise.note')} name="note" extra={t('premise.noteHint')}>
        <Input.TextArea maxLength={2000} showCount autoSize={{ minRows: 3, maxRows: 8 }} />
      </Form.Item>
      {/* Enter in an input submits, as «Действия» → «Сохранить» */}
      <button type="submit" hidden aria-hidden tabIndex={-1} />

      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        style={{ marginTop: 8, paddingTop: 16, borderTop: '1px solid #f0f0f0' }}
        items={[
          { key: 'created', label: t('common.createdAt'), children: <span data-testid="created-at">{formatDateTime(premise.created_at)}</span> },
          { key: 'updated', label: t('common.updatedAt'), children: <span data-testid="updated-at">{formatDateTime(premise.updated_at)}</span> },
        ]}
      />
    </Form>
  );
}
