// «Добавить» on the premises list: object, type, the type's address fields, entrance and
// floor of the object, areas, online payment. The caller opens the new premise's card.
import { Col, Form, Select, Switch } from 'antd';
import { useCallback } from 'react';
import { objectsApi, premisesApi } from '../../api/resources';
import type { Premise, PremiseInput, PremiseType, RealtyObject } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { searchableSelect, useOptions } from '../../components/useOptions';
import { useI18n } from '../../i18n';
import { compactBody, formatAddress } from '../../utils/format';
import { AddressFields, AreaFields, EntranceFloorFields, TypeField } from './PremiseFields';
import { addressBody, type AddressField } from './premiseTypes';

type Values = Partial<Record<AddressField, string>> & {
  object_id: number;
  type: PremiseType;
  entrance_id?: number;
  floor_id?: number;
  total_area?: number | null;
  living_area?: number | null;
  online_payment?: boolean;
};

export function objectLabel(o: RealtyObject): string {
  const address = formatAddress(o);
  return address ? `${o.name} — ${address}` : o.name;
}

interface Props {
  open: boolean;
  /** Pre-selected object (e.g. the one the list is filtered by). */
  objectId?: number;
  onCancel: () => void;
  onCreated: (premise: Premise) => void;
}

export function PremiseAddModal({ open, objectId, onCancel, onCreated }: Props) {
  const { t } = useI18n();
  const label = useCallback(objectLabel, []);
  const objects = useOptions(objectsApi.list, label, open ? 'open' : null);

  const submit = (v: Values) => {
    const body: PremiseInput = {
      object_id: v.object_id,
      type: v.type,
      ...addressBody(v.type, v, false),
      ...compactBody({ entrance_id: v.entrance_id, floor_id: v.floor_id, total_area: v.total_area, living_area: v.living_area }),
      online_payment: !!v.online_payment,
    };
    return premisesApi.create(body);
  };

  return (
    <FormModal<Values>
      name="premise"
      width={640}
      open={open}
      title={t('premise.new')}
      initialValues={{ type: 'flat', object_id: objectId, online_payment: false }}
      onCancel={onCancel}
      onSubmit={submit}
      onDone={(created) => onCreated(created as Premise)}
      onValuesChange={(changed, _all, form) => {
        // entrances and floors belong to the object
        if ('object_id' in changed) form.setFieldsValue({ entrance_id: undefined, floor_id: undefined });
      }}
    >
      <Form.Item label={t('premise.object')} name="object_id" rules={[{ required: true, message: t('common.required') }]}>
        <Select
          {...searchableSelect}
          options={objects.options}
          loading={objects.loading}
          placeholder={t('premise.objectHint')}
          autoFocus
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.type !== b.type}>
        {({ getFieldValue }) => (
          <AddressFields
            type={getFieldValue('type') as PremiseType | undefined}
            prefix={
              <Col xs={24} sm={8}>
                <TypeField />
              </Col>
            }
          />
        )}
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.object_id !== b.object_id}>
        {({ getFieldValue }) => <EntranceFloorFields objectId={getFieldValue('object_id') as number | undefined} />}
      </Form.Item>
      <AreaFields />
      <Form.Item
        label={t('premise.onlinePayment')}
        name="online_payment"
        valuePropName="checked"
        extra={t('premise.onlinePaymentHint')}
      >
        <Switch />
      </Form.Item>
    </FormModal>
  );
}
