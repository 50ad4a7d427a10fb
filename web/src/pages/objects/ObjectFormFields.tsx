// Fields of an object (ЖК, дом), shared by the «add» modal and the object card. The quarter
// list follows the chosen group; choosing a quarter fills its group.
import { Col, Form, Input, Row, Select } from 'antd';
import { useCallback } from 'react';
import { objectGroupsApi, quartersApi } from '../../api/resources';
import type { ObjectGroup, Quarter } from '../../api/types';
import { searchableSelect, useOptions } from '../../components/useOptions';
import { useI18n } from '../../i18n';

const groupLabel = (g: ObjectGroup) => g.name;

export function ObjectFormFields({ autoFocus }: { autoFocus?: boolean }) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const groupId = Form.useWatch<number | undefined>('object_group_id', form);
  const groups = useOptions(objectGroupsApi.list, groupLabel);
  const quarters = useOptions(
    (p) => quartersApi.list({ ...p, object_group_id: groupId ?? undefined }),
    useCallback(
      (q: Quarter) => (groupId ? q.name : `${q.name} (${groups.byId.get(q.object_group_id)?.name ?? '…'})`),
      [groupId, groups.byId],
    ),
    groupId ?? 'all',
  );

  const onGroupChange = (value: number | undefined) => {
    const quarterId = form.getFieldValue('quarter_id') as number | undefined;
    const quarter = quarterId ? quarters.byId.get(quarterId) : undefined;
    if (quarterId && (!value || (quarter && quarter.object_group_id !== value))) {
      form.setFieldValue('quarter_id', undefined);
    }
  };

  const onQuarterChange = (value: number | undefined) => {
    const quarter = value ? quarters.byId.get(value) : undefined;
    if (quarter && form.getFieldValue('object_group_id') !== quarter.object_group_id) {
      form.setFieldValue('object_group_id', quarter.object_group_id);
    }
  };

  return (
    <>
      <Form.Item label={t('object.name')} name="name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input maxLength={200} autoFocus={autoFocus} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item label={t('object.group')} name="object_group_id">
            <Select
              {...searchableSelect}
              options={groups.options}
              loading={groups.loading}
              placeholder={t('common.notSelected')}
              onChange={onGroupChange}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item label={t('object.quarter')} name="quarter_id">
            <Select
              {...searchableSelect}
              options={quarters.options}
              loading={quarters.loading}
              placeholder={t('common.notSelected')}
              onChange={onQuarterChange}
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('object.city')} name="city">
        <Input maxLength={100} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} sm={16}>
          <Form.Item label={t('object.street')} name="street" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item
            label={t('object.house')}
            name="house"
            tooltip={t('object.houseHint')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={20} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('object.externalId')} name="external_id" tooltip={t('object.externalIdHint')}>
        <Input maxLength={100} allowClear />
      </Form.Item>
    </>
  );
}
