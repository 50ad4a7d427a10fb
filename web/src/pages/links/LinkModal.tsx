// The link modal (L-2, L-3): the client (from a premise) or the premise (from a client) chosen
// by a server search, the role, the owner a dependent role depends on (the premise's owners),
// the four documents (number + date each), the share, the comment and the two flags. The same
// modal edits a link; server field errors land under the fields (FormModal).
import { Alert, Col, Divider, Form, Input, Row, Select, Switch, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { clientsApi, linksApi, premisesApi } from '../../api/resources';
import type { Link } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { RemoteSelect, type RemoteOption } from '../../components/RemoteSelect';
import { useI18n, type MessageKey } from '../../i18n';
import { DateInput } from '../clients/clientFields';
import {
  DOCS, isOwnerRole, LINK_ROLES, linkBody, linkFormValues, linkRoleKey, mayHaveOwner, requiresOwner, SHARE_PATTERN,
  type LinkFormValues,
} from './linkFields';

/** Where the modal was opened: a premise's clients tab or a client's premises tab. */
export type LinkContext = { kind: 'premise'; premiseId: number } | { kind: 'client'; clientId: number };

interface Props {
  open: boolean;
  context: LinkContext;
  /** The link to edit; a new link without it. */
  link?: Link | null;
  onCancel: () => void;
  onSaved: (link: Link) => void;
}

export function LinkModal({ open, context, link, onCancel, onSaved }: Props) {
  const { t } = useI18n();
  const editing = !!link;
  const initialValues = useMemo<Partial<LinkFormValues>>(
    () => (link ? linkFormValues(link) : { role: 'owner', online_payment: false, keep_on_sync: false }),
    [link],
  );

  const submit = async (v: LinkFormValues): Promise<Link> => {
    if (link) return linksApi.update(link.premise?.id ?? link.premise_id ?? 0, link.client_id, linkBody(v, false));
    if (context.kind === 'premise') return linksApi.create(context.premiseId, { client_id: v.client_id as number, ...linkBody(v, true) });
    return linksApi.createForClient(context.clientId, { premise_id: v.premise_id as number, ...linkBody(v, true) });
  };

  return (
    <FormModal<LinkFormValues>
      open={open}
      name="link"
      width={760}
      title={editing ? t('link.edit') : t('link.new')}
      initialValues={initialValues}
      onCancel={onCancel}
      onSubmit={submit}
      onDone={(r) => onSaved(r as Link)}
    >
      <LinkFields context={context} link={link ?? null} />
    </FormModal>
  );
}

function LinkFields({ context, link }: { context: LinkContext; link: Link | null }) {
  const { t } = useI18n();
  const form = Form.useFormInstance<LinkFormValues>();
  const role = Form.useWatch('role', form) ?? link?.role ?? 'owner';
  const chosenPremise = Form.useWatch('premise_id', form);
  const chosenClient = Form.useWatch('client_id', form);
  const premiseId = context.kind === 'premise' ? context.premiseId : (link?.premise?.id ?? chosenPremise);
  const clientId = context.kind === 'client' ? context.clientId : (link?.client_id ?? chosenClient);

  // the premise's owners and unconfirmed owners: whom a dependent role can depend on
  const [owners, setOwners] = useState<{ value: number; label: string }[]>([]);
  const [ownersLoading, setOwnersLoading] = useState(false);
  useEffect(() => {
    if (!premiseId) {
      setOwners([]);
      return;
    }
    let cancelled = false;
    setOwnersLoading(true);
    linksApi
      .ofPremise(premiseId)
      .then((res) => {
        if (cancelled) return;
        setOwners(
          res.items
            .filter((l) => isOwnerRole(l.role))
            .map((l) => ({
              value: l.client_id,
              label: l.role === 'owner' ? l.client.full_name : `${l.client.full_name} (${t('link.role.unconfirmed_owner').toLowerCase()})`,
            })),
        );
      })
      .catch(() => !cancelled && setOwners([]))
      .finally(() => !cancelled && setOwnersLoading(false));
    return () => {
      cancelled = true;
    };
  }, [premiseId, t]);
  // the current owner is shown by name before the list arrives
  const ownerOptions = [
    ...(link?.owner && !owners.some((o) => o.value === link.owner?.id) ? [{ value: link.owner.id, label: link.owner.full_name }] : []),
    ...owners,
  ].filter((o) => o.value !== clientId);

  // another premise has other owners
  useEffect(() => {
    if (context.kind === 'client' && !link && chosenPremise !== undefined) form.setFieldValue('owner_client_id', undefined);
  }, [chosenPremise, context.kind, link, form]);

  const roleOptions = useMemo(() => LINK_ROLES.map((r) => ({ value: r, label: t(linkRoleKey(r)) })), [t]);

  const searchClients = useCallback(
    async (q: string, signal: AbortSignal): Promise<RemoteOption[]> => {
      const res = await clientsApi.list({ q: q || undefined, limit: 20 }, signal);
      return res.items.map((c) => ({
        value: c.id,
        label: c.phone_formatted ? `${c.full_name} · ${c.phone_formatted}` : c.full_name,
        render: (
          <div>
            <div>{c.full_name || '—'}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {c.phone_formatted ?? t('link.noPhone')}
            </Typography.Text>
          </div>
        ),
      }));
    },
    [t],
  );
  const searchPremises = useCallback(async (q: string, signal: AbortSignal): Promise<RemoteOption[]> => {
    const res = await premisesApi.list({ q: q || undefined, limit: 20 }, signal);
    return res.items.map((p) => ({ value: p.id, label: p.address }));
  }, []);

  const shareField = (
    <Form.Item
      label={t('link.share')}
      name="ownership_share"
      extra={t('link.shareHint')}
      rules={[{ pattern: SHARE_PATTERN, message: t('link.shareInvalid') }]}
    >
      <Input maxLength={20} placeholder="1/2" />
    </Form.Item>
  );

  const docLabel = (doc: string, part: 'number' | 'date') => t(`link.doc.${doc}.${part}` as MessageKey);

  return (
    <>
      {link ? (
        <Form.Item label={context.kind === 'premise' ? t('link.client') : t('link.premise')}>
          <Input
            readOnly
            variant="filled"
            value={context.kind === 'premise' ? `${link.client.full_name}${link.client.phone_formatted ? ` · ${link.client.phone_formatted}` : ''}` : link.premise.address}
            data-testid="link-subject"
          />
        </Form.Item>
      ) : context.kind === 'premise' ? (
        <Form.Item
          label={t('link.client')}
          name="client_id"
          rules={[{ required: true, message: t('link.chooseClient') }]}
          extra={t('link.clientHint')}
        >
          <RemoteSelect fetch={searchClients} placeholder={t('link.clientSearch')} autoFocus allowClear data-testid="link-client-select" />
        </Form.Item>
      ) : (
        <Form.Item
          label={t('link.premise')}
          name="premise_id"
          rules={[{ required: true, message: t('link.choosePremise') }]}
          extra={t('link.premiseHint')}
        >
          <RemoteSelect fetch={searchPremises} placeholder={t('link.premiseSearch')} autoFocus allowClear data-testid="link-premise-select" />
        </Form.Item>
      )}

      <Row gutter={16}>
        <Col xs={24} sm={10}>
          <Form.Item label={t('link.role')} name="role" rules={[{ required: true, message: t('common.required') }]}>
            <Select options={roleOptions} data-testid="link-role" />
          </Form.Item>
        </Col>
        {mayHaveOwner(role) && (
          <Col xs={24} sm={14}>
            <Form.Item
              label={t('link.owner')}
              name="owner_client_id"
              rules={requiresOwner(role) ? [{ required: true, message: t('link.ownerRequired') }] : []}
              extra={role === 'unconfirmed_owner' ? t('link.ownerOptional') : undefined}
            >
              <Select
                options={ownerOptions}
                loading={ownersLoading}
                allowClear
                showSearch
                optionFilterProp="label"
                placeholder={premiseId ? t('link.ownerPlaceholder') : t('link.choosePremiseFirst')}
                notFoundContent={premiseId && !ownersLoading ? t('link.noOwners') : undefined}
                data-testid="link-owner"
              />
            </Form.Item>
          </Col>
        )}
        {role === 'owner' && <Col xs={24} sm={14}>{shareField}</Col>}
      </Row>
      {role === 'unconfirmed_owner' && (
        <Row gutter={16}>
          <Col xs={24} sm={10}>
            {shareField}
          </Col>
        </Row>
      )}
      {requiresOwner(role) && premiseId && !ownersLoading && ownerOptions.length === 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('link.noOwnersHint')} />
      )}

      <Divider orientation="left" orientationMargin={0} plain style={{ marginTop: 0 }}>
        <Typography.Text type="secondary">{t('link.section.documents')}</Typography.Text>
      </Divider>
      {DOCS.map((doc) => (
        <Row gutter={16} key={doc}>
          <Col xs={24} sm={14}>
            <Form.Item label={docLabel(doc, 'number')} name={`${doc}_number`}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item label={docLabel(doc, 'date')} name={`${doc}_date`}>
              <DateInput />
            </Form.Item>
          </Col>
        </Row>
      ))}

      <Divider orientation="left" orientationMargin={0} plain style={{ marginTop: 0 }}>
        <Typography.Text type="secondary">{t('link.section.extra')}</Typography.Text>
      </Divider>
      <Form.Item label={t('link.comment')} name="comment">
        <Input.TextArea maxLength={2000} showCount autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item label={t('link.onlinePayment')} name="online_payment" valuePropName="checked" extra={t('link.onlinePaymentHint')}>
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item label={t('link.keepOnSync')} name="keep_on_sync" valuePropName="checked" extra={t('link.keepOnSyncHint')}>
            <Switch />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
