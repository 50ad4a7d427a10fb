// Premise types and the address fields each type has (docs/premises.md, «Address fields by
// type»): the forms show only these fields and send only these fields.
import type { PremiseType } from '../../api/types';
import type { MessageKey } from '../../i18n';

export const PREMISE_TYPES: readonly PremiseType[] = [
  'flat',
  'parking',
  'storage',
  'apartments',
  'non_residential',
  'house',
  'townhouse',
  'duplex',
  'room',
  'land_plot',
];

export const typeLabelKey = (type: PremiseType) => `premise.type.${type}` as MessageKey;

export function isPremiseType(v: string): v is PremiseType {
  return (PREMISE_TYPES as readonly string[]).includes(v);
}

export type AddressField = 'number' | 'street' | 'house' | 'level' | 'room';
export const ADDRESS_FIELDS: readonly AddressField[] = ['number', 'street', 'house', 'level', 'room'];

export interface AddressFieldSpec {
  name: AddressField;
  required: boolean;
  label: MessageKey;
  hint?: MessageKey;
  /** Columns out of 24 in the form row. */
  span: number;
}

const num = (label: MessageKey, required = true): AddressFieldSpec => ({ name: 'number', required, label, hint: 'premise.numberHint', span: 8 });
const street = (required: boolean): AddressFieldSpec => ({ name: 'street', required, label: 'premise.street', span: 10 });
const house = (required: boolean): AddressFieldSpec => ({ name: 'house', required, label: 'premise.house', hint: 'premise.houseHint', span: 6 });
const level: AddressFieldSpec = { name: 'level', required: false, label: 'premise.level', hint: 'premise.levelHint', span: 8 };
const room: AddressFieldSpec = { name: 'room', required: true, label: 'premise.room', span: 8 };

/** The address fields of each type, in the order of the form. */
export const TYPE_ADDRESS_FIELDS: Record<PremiseType, readonly AddressFieldSpec[]> = {
  flat: [num('premise.number.flat')],
  apartments: [num('premise.number.apartments')],
  non_residential: [{ ...num('premise.number.non_residential'), hint: 'premise.numberHintNonResidential' }],
  room: [num('premise.number.room'), room],
  parking: [num('premise.number.parking'), level],
  storage: [num('premise.number.storage'), level],
  house: [street(true), house(true), { ...num('premise.number.house', false), hint: undefined }],
  townhouse: [street(true), house(true), { ...num('premise.number.townhouse', false), hint: undefined }],
  duplex: [street(true), house(true), { ...num('premise.number.duplex', false), hint: undefined }],
  land_plot: [street(false), house(false), num('premise.number.land_plot')],
};

export function typeHasField(type: PremiseType | undefined, field: AddressField): boolean {
  return !!type && TYPE_ADDRESS_FIELDS[type].some((f) => f.name === field);
}

/**
 * The address part of a request body: only the fields the type has. With `clear`, an empty
 * optional field is sent as null (PATCH clears it); without, it is left out (POST).
 */
export function addressBody(
  type: PremiseType,
  values: Partial<Record<AddressField, string | null | undefined>>,
  clear: boolean,
): Partial<Record<AddressField, string | null>> {
  const out: Partial<Record<AddressField, string | null>> = {};
  for (const spec of TYPE_ADDRESS_FIELDS[type]) {
    const v = values[spec.name];
    const text = typeof v === 'string' ? v.trim() : '';
    if (text) out[spec.name] = text;
    else if (clear) out[spec.name] = null;
  }
  return out;
}
