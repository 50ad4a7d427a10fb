// Form fields of a premise shared by the «add» modal and the card: type, the address fields
// of the chosen type, entrance and floor of the object, areas.
import { Col, Form, Input, InputNumber, Row, Select, type InputNumberProps } from 'antd';
import { useCallback, useMemo, type ReactNode } from 'react';
import { entrancesApi, floorsApi } from '../../api/resources';
import type { Entrance, Floor, PremiseType } from '../../api/types';
import { searchableSelect, useOptions } from '../../components/useOptions';
import { useI18n, type TFunction } from '../../i18n';
import { PREMISE_TYPES, TYPE_ADDRESS_FIELDS, typeLabelKey } from './premiseTypes';

export function useTypeOptions() {
  const { t } = useI18n();
  return useMemo(() => PREMISE_TYPES.map((v) => ({ value: v, label: t(typeLabelKey(v)) })), [t]);
}

export function TypeField({ autoFocus }: { autoFocus?: boolean }) {
  const { t } = useI18n();
  const options = useTypeOptions();
  return (
    <Form.Item label={t('premise.type')} name="type" rules={[{ required: true, message: t('common.required') }]}>
      <Select showSearch optionFilterProp="label" options={options} autoFocus={autoFocus} placeholder={t('common.notSelected')} data-testid="premise-type" />
    </Form.Item>
  );
}

/**
 * The address fields the type has; the others are not rendered (and not sent). `prefix` (a
 * `Col`) goes first in the same row, e.g. the type.
 */
export function AddressFields({ type, prefix }: { type: PremiseType | undefined; prefix?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Row gutter={16}>
      {prefix}
      {(type ? TYPE_ADDRESS_FIELDS[type] : []).map((f) => (
        <Col xs={24} sm={f.span} key={f.name}>
          <Form.Item
            label={t(f.label)}
            name={f.name}
            rules={f.required ? [{ required: true, whitespace: true, message: t('common.required') }] : []}
          >
            <Input maxLength={f.name === 'street' ? 200 : 50} placeholder={f.hint ? t(f.hint) : undefined} />
          </Form.Item>
        </Col>
      ))}
    </Row>
  );
}

function entranceName(e: Pick<Entrance, 'number' | 'name'>, t: TFunction): string {
  const base = t('entrance.label', { number: e.number });
  return e.name ? `${base} — ${e.name}` : base;
}

/**
 * Entrance and floor of the object (both optional). With an entrance chosen only its floors
 * are offered; choosing a floor of some entrance fills that entrance.
 */
export function EntranceFloorFields({ objectId }: { objectId: number | undefined }) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const entranceId = Form.useWatch<number | null | undefined>('entrance_id', form);
  const entranceLabel = useCallback((e: Entrance) => entranceName(e, t), [t]);
  const entrances = useOptions(
    (p) => (objectId ? entrancesApi(objectId).list(p) : Promise.resolve({ items: [], total: 0 })),
    entranceLabel,
    objectId ?? null,
  );
  const floorLabel = useCallback((f: Floor) => String(f.number), []);
  const floors = useOptions(
    (p) => (objectId ? floorsApi(objectId).list(p) : Promise.resolve({ items: [], total: 0 })),
    floorLabel,
    objectId ?? null,
  );

  const floorOptions = useMemo(
    () =>
      floors.items
        .filter((f) => !entranceId || f.entrance_id === entranceId)
        .map((f) => {
          const e = f.entrance_id ? entrances.byId.get(f.entrance_id) : undefined;
          return {
            value: f.id,
            label:
              e && !entranceId
                ? t('premise.floorOfEntrance', { number: f.number, entrance: entranceName(e, t) })
                : t('premise.floorLabel', { number: f.number }),
          };
        }),
    [floors.items, entrances.byId, entranceId, t],
  );

  const onEntranceChange = (value: number | undefined) => {
    const floorId = form.getFieldValue('floor_id') as number | undefined;
    const floor = floorId ? floors.byId.get(floorId) : undefined;
    if (value && floor && floor.entrance_id !== value) form.setFieldValue('floor_id', undefined);
  };
  const onFloorChange = (value: number | undefined) => {
    const floor = value ? floors.byId.get(value) : undefined;
    if (floor?.entrance_id && !form.getFieldValue('entrance_id')) form.setFieldValue('entrance_id', floor.entrance_id);
  };

  const placeholder = objectId ? t('common.notSelected') : t('premise.chooseObjectFirst');
  return (
    <Row gutter={16}>
      <Col xs={24} sm={12}>
        <Form.Item label={t('premise.entrance')} name="entrance_id">
          <Select
            {...searchableSelect}
            options={entrances.options}
            loading={entrances.loading}
            disabled={!objectId}
            placeholder={placeholder}
            onChange={onEntranceChange}
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item label={t('premise.floor')} name="floor_id">
          <Select
            {...searchableSelect}
            options={floorOptions}
            loading={floors.loading}
            disabled={!objectId}
            placeholder={placeholder}
            onChange={onFloorChange}
          />
        </Form.Item>
      </Col>
    </Row>
  );
}

/**
 * Area input: a comma or a dot as the separator. No `precision` and no fractional `step`
 * (either pads «54,30»); the server checks the two decimals and its message shows under the
 * field.
 */
export function AreaInput(props: InputNumberProps<number>) {
  const { lang } = useI18n();
  return (
    <InputNumber<number>
      min={0}
      max={100000}
      decimalSeparator={lang === 'ru' ? ',' : '.'}
      // antd parses the returned string itself; an empty input stays empty
      parser={(v) => (v ?? '').replace(/\s/g, '').replace(',', '.') as unknown as number}
      style={{ width: '100%' }}
      {...props}
    />
  );
}

export function AreaFields({ withRooms }: { withRooms?: boolean }) {
  const { t } = useI18n();
  const span = withRooms ? 8 : 12;
  return (
    <Row gutter={16}>
      <Col xs={24} sm={span}>
        <Form.Item label={t('premise.totalArea')} name="total_area">
          <AreaInput />
        </Form.Item>
      </Col>
      <Col xs={24} sm={span}>
        <Form.Item label={t('premise.livingArea')} name="living_area">
          <AreaInput />
        </Form.Item>
      </Col>
      {withRooms && (
        <Col xs={24} sm={span}>
          <Form.Item label={t('premise.rooms')} name="rooms">
            <InputNumber<number> min={0} max={50} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      )}
    </Row>
  );
}
