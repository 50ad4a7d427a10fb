// Premise ↔ client links (docs/links-and-accounts.md, SPEC L-1…L-6): the roles, which of them
// depend on an owner, and the conversion between a link and the link modal's form values.
import dayjs, { type Dayjs } from 'dayjs';
import type { Link, LinkFields, LinkMissing, LinkRole } from '../../api/types';
import type { MessageKey } from '../../i18n';

export const LINK_ROLES: readonly LinkRole[] = ['owner', 'resident', 'representative', 'tenant', 'unconfirmed_owner'];
export const linkRoleKey = (role: LinkRole) => `link.role.${role}` as MessageKey;
export const missingKey = (m: LinkMissing | string) => `link.missing.${m}` as MessageKey;

/** Roles that must name the owner they depend on. */
export const requiresOwner = (role: LinkRole | undefined) => role === 'resident' || role === 'representative' || role === 'tenant';
/** Roles that may name one (an unconfirmed owner optionally). */
export const mayHaveOwner = (role: LinkRole | undefined) => requiresOwner(role) || role === 'unconfirmed_owner';
/** Owners and unconfirmed owners: the ones with a share and the owners'-meeting data. */
export const isOwnerRole = (role: LinkRole | undefined) => role === 'owner' || role === 'unconfirmed_owner';

export const DOCS = ['ddu', 'acceptance_act', 'certificate', 'management_contract'] as const;
export type DocKey = (typeof DOCS)[number];

const WIRE_DATE = 'YYYY-MM-DD';

export interface LinkFormValues {
  client_id?: number;
  premise_id?: number;
  role: LinkRole;
  owner_client_id?: number | null;
  ddu_number?: string;
  ddu_date?: Dayjs | null;
  acceptance_act_number?: string;
  acceptance_act_date?: Dayjs | null;
  certificate_number?: string;
  certificate_date?: Dayjs | null;
  management_contract_number?: string;
  management_contract_date?: Dayjs | null;
  ownership_share?: string;
  comment?: string;
  online_payment?: boolean;
  keep_on_sync?: boolean;
}

export function linkFormValues(l: Link): LinkFormValues {
  const d = (s: string | null | undefined) => (s ? dayjs(s) : null);
  return {
    client_id: l.client_id,
    premise_id: l.premise?.id ?? l.premise_id,
    role: l.role,
    owner_client_id: l.owner_client_id ?? undefined,
    ddu_number: l.ddu_number ?? undefined,
    ddu_date: d(l.ddu_date),
    acceptance_act_number: l.acceptance_act_number ?? undefined,
    acceptance_act_date: d(l.acceptance_act_date),
    certificate_number: l.certificate_number ?? undefined,
    certificate_date: d(l.certificate_date),
    management_contract_number: l.management_contract_number ?? undefined,
    management_contract_date: d(l.management_contract_date),
    ownership_share: l.ownership_share ?? undefined,
    comment: l.comment ?? undefined,
    online_payment: !!l.online_payment,
    keep_on_sync: !!l.keep_on_sync,
  };
}

/**
 * The link fields of the form: every field, empty ones as null (a PATCH clears them; a create
 * leaves nulls out). The owner goes only with roles that have one, the share only with owners.
 */
export type LinkBody = LinkFields & Required<Pick<LinkFields, 'role' | 'online_payment' | 'keep_on_sync'>>;

export function linkBody(v: LinkFormValues, forCreate: boolean): LinkBody {
  const text = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : null);
  const date = (d: Dayjs | null | undefined) => (d ? d.format(WIRE_DATE) : null);
  const body: LinkBody = {
    role: v.role,
    owner_client_id: mayHaveOwner(v.role) ? (v.owner_client_id ?? null) : null,
    ddu_number: text(v.ddu_number),
    ddu_date: date(v.ddu_date),
    acceptance_act_number: text(v.acceptance_act_number),
    acceptance_act_date: date(v.acceptance_act_date),
    certificate_number: text(v.certificate_number),
    certificate_date: date(v.certificate_date),
    management_contract_number: text(v.management_contract_number),
    management_contract_date: date(v.management_contract_date),
    ownership_share: isOwnerRole(v.role) ? (text(v.ownership_share)?.replace(/\s+/g, '').replace(',', '.') ?? null) : null,
    comment: text(v.comment),
    online_payment: !!v.online_payment,
    keep_on_sync: !!v.keep_on_sync,
  };
  if (forCreate) {
    for (const k of Object.keys(body) as (keyof LinkFields)[]) if (body[k] === null) delete body[k];
  }
  return body;
}

/** «1/2», «50%», «33,5%» — what the share field accepts (the server normalises it). */
export const SHARE_PATTERN = /^\s*(\d+\s*\/\s*\d+|\d+([.,]\d+)?\s*%)\s*$/;
