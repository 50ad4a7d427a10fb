// Client card (/clients/:id, C-8, C-9): the full name as the title with the status; tabs
// «Общие сведения» (sub-tabs «Основное» and «Прочее»), «Помещения», «Активность» (later).
// «Действия» → «Сохранить» / «Удалить»; «История изменений» opens the change history. The
// phone is read-only but for admins (it is changed through support).
import { DeleteOutlined, DownOutlined, HistoryOutlined, LockOutlined, SaveOutlined } from '@ant-design/icons';
import {
  App, Badge, Button, Card, Col, Descriptions, Divider, Dropdown, Form, Input, Radio, Row, Switch, Tabs, Tag,
  type FormInstance, type MenuProps,
} from 'antd';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { clientsApi } from '../../api/resources';
import type { Client, ClientType } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { CardLoadError, CardLoading, TabComingLater } from '../../components/CardStates';
import { HistoryDrawer } from '../../components/HistoryDrawer';
import { PageHeader } from '../../components/PageHeader';
import { TagSelect } from '../../components/TagSelect';
import { useApiError } from '../../components/useApiError';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../utils/format';
import {
  cardValues, ClientTypeField, clientStatusKey, clientTypeKey, EmailField, GenderBirthFields, NameFields, NoteField,
  PassportFields, patchBody, PhoneField, RegistrationFields, SnilsField, type ClientFormValues,
} from './clientFields';
import { useClientHistoryFormat } from './clientHistory';
import { ClientPremisesTab } from './ClientPremisesTab';
import { ExternalIdsTable } from './ExternalIdsTable';

const TABS = ['general', 'premises', 'activity'] as const;
type TabKey = (typeof TABS)[number];
const SUB_TABS = ['main', 'other'] as const;
type SubTab = (typeof SUB_TABS)[number];
/** Fields of the «Прочее» sub-tab (a server error there opens it). */
const OTHER_FIELDS = new Set(['inn', 'snils', 'loyalty_card']);

export function ClientCardPage() {
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { canWrite, isAdmin, space } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const showError = useApiError();
  const [form] = Form.useForm<ClientFormValues>();
  const [client, setClient] = useState<Client | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [historyVersion, setHistoryVersion] = useState(0);
  const historyFormat = useClientHistoryFormat();
  // an existing phone is changed through support (admins); a missing one may be entered
  const phoneEditable = isAdmin || (!!client && !client.phone);

  // back to the list as it was (search, filters, page) when the card was opened from it
  const listSearch = (location.state as { list?: string } | null)?.list ?? '';
  const back = useCallback(() => navigate(`/clients${listSearch}`), [navigate, listSearch]);
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'general';
  const sub: SubTab = params.get('sub') === 'other' ? 'other' : 'main';
  const setTabs = useCallback(
    (nextTab: TabKey, nextSub: SubTab) => {
      const p: Record<string, string> = {};
      if (nextTab !== 'general') p.tab = nextTab;
      if (nextTab === 'general' && nextSub !== 'main') p.sub = nextSub;
      setParams(p, { replace: true, state: location.state });
    },
    [setParams, location.state],
  );

  useEffect(() => {
    if (!Number.isInteger(id) || id <= 0) {
      setLoadError(new ApiError(404, 'not_found', ''));
      return;
    }
    setClient(null);
    setLoadError(null);
    clientsApi
      .get(id)
      .then(setClient)
      .catch((err) => {
        if (err instanceof ApiError) setLoadError(err);
        showError(err);
      });
  }, [id, showError]);

  const save = async (values: ClientFormValues) => {
    if (!client) return;
    setSaving(true);
    try {
      const updated = await clientsApi.update(client.id, patchBody(values, client, phoneEditable));
      setClient(updated);
      setDirty(false);
      setHistoryVersion((v) => v + 1);
      message.success(t('common.saved'));
    } catch (err) {
      // a field of the other sub-tab: show that sub-tab first, so the message is seen
      if (err instanceof ApiError && err.hasFieldErrors) {
        const names = Object.keys(err.fields);
        const here = names.some((n) => OTHER_FIELDS.has(n) === (sub === 'other'));
        if (!here) setTabs('general', sub === 'main' ? 'other' : 'main');
        else if (tab !== 'general') setTabs('general', sub);
        setTimeout(() => showError(err, form), 0);
      } else showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  const confirmDelete = () => {
    if (!client) return;
    modal.confirm({
      title: t('client.deleteTitle'),
      content: (
        <div data-testid="delete-confirm-text">
          <p style={{ marginTop: 0 }}>{t('client.deleteText', { name: client.full_name })}</p>
          <p style={{ marginBottom: 0 }}>{t('premise.deleteIrreversible')}</p>
        </div>
      ),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      width: 460,
      onOk: async () => {
        try {
          await clientsApi.remove(client.id);
          message.success(t('client.deleted'));
          navigate(`/clients${listSearch}`, { replace: true });
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
      if (tab !== 'general') setTabs('general', sub);
      form.submit();
    } else if (key === 'delete') confirmDelete();
  };

  const loadHistory = useCallback((p: { limit: number; offset: number }) => clientsApi.history(id, p), [id]);

  if (loadError) return <CardLoadError error={loadError} onBack={back} />;
  if (!client) return <CardLoading title={t('client.card')} onBack={back} />;

  const later = (key: TabKey) => <TabComingLater tabTitle={t(`client.tab.${key}` as MessageKey)} />;

  const blocked = client.status === 'blocked';
  return (
    <>
      <PageHeader
        title={
          <span style={{ display: 'inline-flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
            <span data-testid="client-title">{client.full_name || t('client.card')}</span>
            <Tag
              color={blocked ? 'error' : 'success'}
              style={{ fontSize: 13, lineHeight: '22px', fontWeight: 'normal', marginInlineEnd: 0 }}
              data-testid="client-status"
            >
              <Badge status={blocked ? 'error' : 'success'} style={{ marginInlineEnd: 6 }} />
              {t(clientStatusKey(client.status))}
            </Tag>
          </span>
        }
        documentTitle={client.full_name}
        subtitle={
          <>
            {t(clientTypeKey(client.type))}
            {client.phone_formatted ? ` · ${client.phone_formatted}` : ''}
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
          onChange={(key) => setTabs(key as TabKey, sub)}
          items={[
            {
              key: 'general',
              label: t('client.tab.general'),
              children: (
                <GeneralTab
                  client={client}
                  form={form}
                  sub={sub}
                  onSubChange={(s) => setTabs('general', s)}
                  onFinish={save}
                  onChange={() => setDirty(true)}
                  canWrite={canWrite}
                  phoneEditable={phoneEditable}
                  phoneHint={isAdmin ? t('client.phoneAdminHint') : t('client.phoneFirstHint')}
                  externalIds={
                    <ExternalIdsTable
                      clientId={client.id}
                      initial={client.external_ids}
                      space={space}
                      canWrite={canWrite}
                      onChanged={() => setHistoryVersion((v) => v + 1)}
                    />
                  }
                />
              ),
            },
            {
              key: 'premises',
              label: t('client.tab.premises'),
              children: <ClientPremisesTab clientId={client.id} canWrite={canWrite} onChanged={() => setHistoryVersion((v) => v + 1)} />,
            },
            ...(['activity'] as const).map((key) => ({
              key,
              label: t(`client.tab.${key}` as MessageKey),
              children: later(key),
            })),
          ]}
        />
      </Card>
      <HistoryDrawer
        open={historyOpen}
        onClose={() => setHistoryOpen(false)}
        version={`${client.updated_at}:${historyVersion}`}
        load={loadHistory}
        format={historyFormat}
        subtitle={client.full_name}
      />
    </>
  );
}

interface GeneralProps {
  client: Client;
  form: FormInstance<ClientFormValues>;
  sub: SubTab;
  onSubChange: (s: SubTab) => void;
  onFinish: (v: ClientFormValues) => void;
  onChange: () => void;
  canWrite: boolean;
  phoneEditable: boolean;
  phoneHint: string;
  externalIds: ReactNode;
}

function GeneralTab({ client, form, sub, onSubChange, onFinish, onChange, canWrite, phoneEditable, phoneHint, externalIds }: GeneralProps) {
  const { t } = useI18n();
  const initial = useMemo(() => cardValues(client), [client]);
  const type = (Form.useWatch('type', form) as ClientType | undefined) ?? client.type;

  useEffect(() => {
    form.resetFields();
  }, [initial, form]);

  const section = (key: MessageKey, first = false) => (
    <Divider orientation="left" orientationMargin={0} style={first ? { marginTop: 0 } : undefined}>
      {t(key)}
    </Divider>
  );

  const main = (
    <>
      {section('client.section.status', true)}
      <Row gutter={16}>
        <Col xs={24} sm={10}>
          <Form.Item label={t('client.statusLabel')} name="status" extra={t('client.statusHint')}>
            <Radio.Group optionType="button" buttonStyle="solid" data-testid="client-status-field">
              <Radio.Button value="active">{t('client.status.active')}</Radio.Button>
              <Radio.Button value="blocked">{t('client.status.blocked')}</Radio.Button>
            </Radio.Group>
          </Form.Item>
        </Col>
        <Col xs={24} sm={7}>
          <ClientTypeField />
        </Col>
        <Col xs={24} sm={7}>
          <Form.Item label={t('client.tester')} name="tester" valuePropName="checked" extra={t('client.testerHint')}>
            <Switch />
          </Form.Item>
        </Col>
      </Row>

      {section('client.section.personal')}
      <NameFields type={type} />
      <GenderBirthFields />

      {section('client.section.contacts')}
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          {phoneEditable ? (
            <PhoneField extra={phoneHint} />
          ) : (
            // shown, not a form field: the card never sends the phone of a non-admin
            <Form.Item label={t('client.phone')} htmlFor="client_card_phone" extra={t('client.phoneHint')}>
              <Input
                id="client_card_phone"
                readOnly
                value={client.phone_formatted ?? ''}
                placeholder="—"
                suffix={<LockOutlined style={{ color: '#8c8c8c' }} />}
                variant="filled"
                data-testid="client-phone-readonly"
              />
            </Form.Item>
          )}
        </Col>
        <Col xs={24} sm={12}>
          <EmailField />
        </Col>
      </Row>
      <NoteField />

      {section('client.section.passport')}
      <PassportFields withComment />

      {section('client.section.registration')}
      <RegistrationFields />

      {section('client.section.tags')}
      <Form.Item name="tags" extra={t('premise.tagsHint')}>
        <TagSelect placeholder={t('client.tags')} />
      </Form.Item>
    </>
  );

  const other = (
    <>
      {section('client.section.documents', true)}
      <Row gutter={16}>
        <Col xs={24} sm={8}>
          <Form.Item label={t('client.inn')} name="inn" extra={t(type === 'legal_entity' || type === 'foreign_branch' ? 'client.innHint10' : 'client.innHint12')}>
            <Input maxLength={12} inputMode="numeric" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <SnilsField />
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item label={t('client.loyaltyCard')} name="loyalty_card" extra={t('client.loyaltyCardHint')}>
            <Input maxLength={50} />
          </Form.Item>
        </Col>
      </Row>
      {section('client.section.externalIds')}
    </>
  );

  return (
    <Form<ClientFormValues>
      form={form}
      name="client_card"
      layout="vertical"
      initialValues={initial}
      onFinish={onFinish}
      onValuesChange={onChange}
      disabled={!canWrite}
      style={{ maxWidth: 980 }}
    >
      <Tabs
        activeKey={sub}
        onChange={(k) => onSubChange(k as SubTab)}
        type="card"
        size="small"
        data-testid="client-subtabs"
        items={[
          { key: 'main', label: t('client.sub.main'), forceRender: true, children: main },
          {
            key: 'other',
            label: t('client.sub.other'),
            forceRender: true,
            children: (
              <>
                {other}
                {externalIds}
              </>
            ),
          },
        ]}
      />
      {/* Enter in an input submits, as «Действия» → «Сохранить» */}
      <button type="submit" hidden aria-hidden tabIndex={-1} />

      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        style={{ marginTop: 24, paddingTop: 16, borderTop: '1px solid #f0f0f0' }}
        items={[
          { key: 'created', label: t('common.createdAt'), children: <span data-testid="created-at">{formatDateTime(client.created_at)}</span> },
          { key: 'updated', label: t('common.updatedAt'), children: <span data-testid="updated-at">{formatDateTime(client.updated_at)}</span> },
        ]}
      />
    </Form>
  );
}
