// Client fields shared by the «Добавить» modal and the card (docs/clients.md): the type, the
// name fields the type has, personal data, passport, registration address; plus the
// conversion of form values into request bodies. Dates are dayjs in the form and
// YYYY-MM-DD on the wire; masked values go as typed (the server normalises them).
import { Col, DatePicker, Form, Input, Row, Select, type DatePickerProps, type FormItemProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import type { Client, ClientInput, ClientPatch, ClientStatus, ClientType, Gender } from '../../api/types';
import {
  DEPARTMENT_CODE_MASK, MaskedInput, PASSPORT_NUMBER_MASK, PASSPORT_SERIES_MASK, PHONE_MASK, POSTCODE_MASK, SNILS_MASK,
  formatMasked, maskedValue,
} from '../../components/MaskedInput';
import { useI18n, type MessageKey } from '../../i18n';

export const CLIENT_TYPES: readonly ClientType[] = ['individual', 'legal_entity', 'sole_proprietor', 'foreign_branch'];
export const CLIENT_STATUSES: readonly ClientStatus[] = ['active', 'blocked'];
export const GENDERS: readonly Gender[] = ['male', 'female'];

export const clientTypeKey = (type: ClientType) => `client.type.${type}` as MessageKey;
export const clientStatusKey = (status: ClientStatus) => `client.status.${status}` as MessageKey;
export const genderKey = (g: Gender) => `client.gender.${g}` as MessageKey;

export const isClientType = (v: string): v is ClientType => (CLIENT_TYPES as readonly string[]).includes(v);
export const isClientStatus = (v: string): v is ClientStatus => (CLIENT_STATUSES as readonly string[]).includes(v);

/** A person's last / first / middle name: individuals and sole proprietors. */
export const hasPersonName = (type: ClientType | undefined) => type === 'individual' || type === 'sole_proprietor';
/** An organisation's name: every type but individual (required there). */
export const hasOrganizationName = (type: ClientType | undefined) => !!type && type !== 'individual';

export const DATE_FORMAT = 'DD.MM.YYYY';
const WIRE_DATE = 'YYYY-MM-DD';

export interface ClientFormValues {
  type: ClientType;
  last_name?: string;
  first_name?: string;
  middle_name?: string;
  organization_name?: string;
  phone?: string;
  email?: string;
  gender?: Gender | null;
  birth_date?: Dayjs | null;
  passport_series?: string;
  passport_number?: string;
  passport_issued_by?: string;
  passport_issued_at?: Dayjs | null;
  passport_department_code?: string;
  passport_comment?: string;
  registration_address?: string;
  registration_postcode?: string;
  registration_comment?: string;
  inn?: string;
  snils?: string;
  loyalty_card?: string;
  note?: string;
  status?: ClientStatus;
  tester?: boolean;
  tags?: string[];
  /** On create only. */
  external_id?: string;
}

const TEXT_FIELDS = [
  'email', 'passport_series', 'passport_number', 'passport_issued_by', 'passport_department_code', 'passport_comment',
  'registration_address', 'registration_postcode', 'registration_comment', 'inn', 'snils', 'loyalty_card', 'note',
] as const;
const PERSON_FIELDS = ['last_name', 'first_name', 'middle_name'] as const;

const wireDate = (d: Dayjs | null | undefined) => (d && d.isValid() ? d.format(WIRE_DATE) : null);
const text = (v: string | null | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const tagList = (tags: string[] | undefined) => (tags ?? []).map((s) => s.trim()).filter((s) => s !== '');

/** POST /clients body: empty values are left out. */
export function createBody(v: ClientFormValues): ClientInput {
  const body: Record<string, unknown> = { type: v.type };
  const put = (k: string, value: unknown) => {
    if (value !== null && value !== undefined) body[k] = value;
  };
  if (hasPersonName(v.type)) for (const f of PERSON_FIELDS) put(f, text(v[f]));
  if (hasOrganizationName(v.type)) put('organization_name', text(v.organization_name));
  put('phone', maskedValue(PHONE_MASK, v.phone));
  for (const f of TEXT_FIELDS) put(f, text(v[f]));
  put('gender', v.gender ?? null);
  put('birth_date', wireDate(v.birth_date));
  put('passport_issued_at', wireDate(v.passport_issued_at));
  put('external_id', text(v.external_id));
  const tags = tagList(v.tags);
  if (tags.length > 0) body.tags = tags;
  return body as ClientInput;
}

/**
 * PATCH body of the card: every field the form shows, empty ones as null (clears). After a type
 * change the name fields the new type does not have are cleared when the client has them. The
 * phone goes only when it changed (only admins may change it).
 */
export function patchBody(v: ClientFormValues, current: Client, phoneEditable: boolean): ClientPatch {
  const body: Record<string, unknown> = { type: v.type };
  for (const f of PERSON_FIELDS) {
    if (hasPersonName(v.type)) body[f] = text(v[f]);
    else if (current[f] != null) body[f] = null;
  }
  if (hasOrganizationName(v.type)) body.organization_name = text(v.organization_name);
  else if (current.organization_name != null) body.organization_name = null;
  for (const f of TEXT_FIELDS) body[f] = text(v[f]);
  body.gender = v.gender ?? null;
  body.birth_date = wireDate(v.birth_date);
  body.passport_issued_at = wireDate(v.passport_issued_at);
  body.status = v.status ?? 'active';
  body.tester = !!v.tester;
  body.tags = tagList(v.tags);
  if (phoneEditable) {
    const typed = maskedValue(PHONE_MASK, v.phone);
    const digits = (s: string | null) => (s ? formatMasked(PHONE_MASK, s) : '');
    if (digits(typed) !== digits(current.phone)) body.phone = typed;
  }
  return body as ClientPatch;
}

/** Form values of a client for the card. */
export function cardValues(c: Client): ClientFormValues {
  const d = (s: string | null) => (s ? dayjs(s) : null);
  return {
    type: c.type,
    last_name: c.last_name ?? undefined,
    first_name: c.first_name ?? undefined,
    middle_name: c.middle_name ?? undefined,
    organization_name: c.organization_name ?? undefined,
    phone: c.phone ? formatMasked(PHONE_MASK, c.phone) : undefined,
    email: c.email ?? undefined,
    gender: c.gender,
    birth_date: d(c.birth_date),
    passport_series: c.passport_series ?? undefined,
    passport_number: c.passport_number ?? undefined,
    passport_issued_by: c.passport_issued_by ?? undefined,
    passport_issued_at: d(c.passport_issued_at),
    passport_department_code: c.passport_department_code ?? undefined,
    passport_comment: c.passport_comment ?? undefined,
    registration_address: c.registration_address ?? undefined,
    registration_postcode: c.registration_postcode ?? undefined,
    registration_comment: c.registration_comment ?? undefined,
    inn: c.inn ?? undefined,
    snils: c.snils ? formatMasked(SNILS_MASK, c.snils) : undefined,
    loyalty_card: c.loyalty_card ?? undefined,
    note: c.note ?? undefined,
    status: c.status,
    tester: c.tester,
    tags: c.tags ?? [],
  };
}

/**
 * A date typed or picked as ДД.ММ.ГГГГ. Enter confirms the typed date and does not submit the
 * form around it (the picker confirms before this handler runs).
 */
export function DateInput(props: DatePickerProps) {
  const { t } = useI18n();
  return (
    <DatePicker
      format={DATE_FORMAT}
      placeholder={t('client.datePlaceholder')}
      style={{ width: '100%' }}
      {...props}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.preventDefault();
      }}
    />
  );
}

export function useClientTypeOptions() {
  const { t } = useI18n();
  return useMemo(() => CLIENT_TYPES.map((v) => ({ value: v, label: t(clientTypeKey(v)) })), [t]);
}

export function ClientTypeField(props: { autoFocus?: boolean }) {
  const { t } = useI18n();
  const options = useClientTypeOptions();
  return (
    <Form.Item label={t('client.typeLabel')} name="type" rules={[{ required: true, message: t('common.required') }]}>
      <Select showSearch optionFilterProp="label" options={options} autoFocus={props.autoFocus} data-testid="client-type" />
    </Form.Item>
  );
}

/** ФИО (individuals, sole proprietors) and the organisation's name (all but individuals). */
export function NameFields({ type }: { type: ClientType | undefined }) {
  const { t } = useI18n();
  return (
    <>
      {hasOrganizationName(type) && (
        <Form.Item
          label={t(type === 'sole_proprietor' ? 'client.organizationNameIp' : 'client.organizationName')}
          name="organization_name"
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input maxLength={300} placeholder={type === 'sole_proprietor' ? t('client.organizationNameIpHint') : undefined} />
        </Form.Item>
      )}
      {hasPersonName(type) && (
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item label={t('client.lastName')} name="last_name">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item label={t('client.firstName')} name="first_name">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item label={t('client.middleName')} name="middle_name">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
      )}
    </>
  );
}

export function GenderBirthFields() {
  const { t } = useI18n();
  const genders = useMemo(() => GENDERS.map((g) => ({ value: g, label: t(genderKey(g)) })), [t]);
  return (
    <Row gutter={16}>
      <Col xs={24} sm={12}>
        <Form.Item label={t('client.gender')} name="gender">
          <Select showSearch optionFilterProp="label" options={genders} allowClear placeholder={t('common.notSelected')} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item label={t('client.birthDate')} name="birth_date">
          <DateInput />
        </Form.Item>
      </Col>
    </Row>
  );
}

export function PhoneField({ extra, readOnly }: { extra?: FormItemProps['extra']; readOnly?: boolean }) {
  const { t } = useI18n();
  return (
    <Form.Item label={t('client.phone')} name="phone" extra={extra}>
      <MaskedInput spec={PHONE_MASK} readOnly={readOnly} />
    </Form.Item>
  );
}

export function EmailField() {
  const { t } = useI18n();
  return (
    <Form.Item label={t('client.email')} name="email">
      <Input maxLength={254} inputMode="email" placeholder="name@example.ru" />
    </Form.Item>
  );
}

export function PassportFields({ withComment }: { withComment?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Row gutter={16}>
        <Col xs={12} sm={4}>
          <Form.Item label={t('client.passportSeries')} name="passport_series">
            <MaskedInput spec={PASSPORT_SERIES_MASK} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={5}>
          <Form.Item label={t('client.passportNumber')} name="passport_number">
            <MaskedInput spec={PASSPORT_NUMBER_MASK} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={7}>
          <Form.Item label={t('client.passportIssuedAt')} name="passport_issued_at">
            <DateInput />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item label={t('client.passportDepartmentCode')} name="passport_department_code">
            <MaskedInput spec={DEPARTMENT_CODE_MASK} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('client.passportIssuedBy')} name="passport_issued_by">
        <Input maxLength={300} />
      </Form.Item>
      {withComment && (
        <Form.Item label={t('client.passportComment')} name="passport_comment">
          <Input.TextArea maxLength={1000} autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
      )}
    </>
  );
}

export function RegistrationFields() {
  const { t } = useI18n();
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} sm={18}>
          <Form.Item label={t('client.registrationAddress')} name="registration_address">
            <Input maxLength={500} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={6}>
          <Form.Item label={t('client.registrationPostcode')} name="registration_postcode">
            <MaskedInput spec={POSTCODE_MASK} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('client.registrationComment')} name="registration_comment">
        <Input.TextArea maxLength={1000} autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
    </>
  );
}

export function NoteField({ rows = 3 }: { rows?: number }) {
  const { t } = useI18n();
  return (
    <Form.Item label={t('client.note')} name="note" extra={t('client.noteHint')}>
      <Input.TextArea maxLength={2000} autoSize={{ minRows: rows, maxRows: 8 }} />
    </Form.Item>
  );
}

export function SnilsField() {
  const { t } = useI18n();
  return (
    <Form.Item label={t('client.snils')} name="snils">
      <MaskedInput spec={SNILS_MASK} />
    </Form.Item>
  );
}
