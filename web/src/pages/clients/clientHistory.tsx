// How the change history of a client shows its fields: labels in the UI language, enum
// values translated, external ids as «space · system: value (note)».
import { Typography } from 'antd';
import { useMemo } from 'react';
import type { ClientStatus, ClientType, ExternalId, Gender } from '../../api/types';
import type { HistoryFormat } from '../../components/HistoryDrawer';
import { formatMasked, SNILS_MASK } from '../../components/MaskedInput';
import { useI18n, type MessageKey } from '../../i18n';
import { clientStatusKey, clientTypeKey, genderKey, isClientStatus, isClientType } from './clientFields';
import { spaceKey } from './ExternalIdsTable';

const LABELS: Record<string, MessageKey> = {
  type: 'client.typeLabel',
  last_name: 'client.lastName',
  first_name: 'client.firstName',
  middle_name: 'client.middleName',
  organization_name: 'client.organizationName',
  phone: 'client.phone',
  email: 'client.email',
  gender: 'client.gender',
  birth_date: 'client.birthDate',
  passport_series: 'client.passportSeries',
  passport_number: 'client.passportNumber',
  passport_issued_by: 'client.passportIssuedBy',
  passport_issued_at: 'client.passportIssuedAt',
  passport_department_code: 'client.passportDepartmentCode',
  passport_comment: 'client.passportComment',
  registration_address: 'client.registrationAddress',
  registration_postcode: 'client.registrationPostcode',
  registration_comment: 'client.registrationComment',
  inn: 'client.inn',
  snils: 'client.snils',
  loyalty_card: 'client.loyaltyCard',
  note: 'client.note',
  status: 'client.statusLabel',
  tester: 'client.tester',
  tags: 'client.tags',
  external_id: 'client.externalId',
  external_ids: 'client.externalId',
};

const ORDER = Object.keys(LABELS);

function isExternalId(v: unknown): v is ExternalId {
  return !!v && typeof v === 'object' && 'system' in v && 'value' in v;
}

export function useClientHistoryFormat(): HistoryFormat {
  const { t } = useI18n();
  return useMemo<HistoryFormat>(
    () => ({
      label: (field) => (LABELS[field] ? t(LABELS[field]) : undefined),
      order: ORDER,
      hidden: ['full_name', 'phone_formatted', 'updated_at', 'created_at'],
      value: (field, v) => {
        if (v === null || v === undefined) return undefined;
        if (field === 'type' && typeof v === 'string' && isClientType(v)) return t(clientTypeKey(v as ClientType));
        if (field === 'status' && typeof v === 'string' && isClientStatus(v)) return t(clientStatusKey(v as ClientStatus));
        if (field === 'gender' && (v === 'male' || v === 'female')) return t(genderKey(v as Gender));
        if (field === 'snils' && typeof v === 'string') return formatMasked(SNILS_MASK, v);
        if (field === 'phone' && typeof v === 'string') {
          const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(v);
          if (m) return `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}`;
        }
        if (field === 'external_ids' && isExternalId(v)) {
          const space = v.space === 'operations' || v.space === 'construction' ? t(spaceKey(v.space)) : String(v.space);
          return (
            <span>
              <Typography.Text type="secondary">{space} · </Typography.Text>
              {v.system}: {v.value}
              {v.note ? <Typography.Text type="secondary"> ({v.note})</Typography.Text> : null}
            </span>
          );
        }
        return undefined;
      },
    }),
    [t],
  );
}
