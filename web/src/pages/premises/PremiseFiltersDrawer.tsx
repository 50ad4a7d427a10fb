// «Фильтры» of the premises list: multi-selects of object groups, quarters, objects, types and
// tags. Every change applies at once (the list behind the drawer follows); «Сбросить» clears all.
import { Button, Drawer, Flex, Form, Select } from 'antd';
import { useMemo } from 'react';
import type { PremiseType, Quarter, RealtyObject } from '../../api/types';
import { TagSelect } from '../../components/TagSelect';
import type { Option } from '../../components/useOptions';
import { useI18n } from '../../i18n';
import { activeFilterCount, type PremiseFilters } from './listState';
import { useTypeOptions } from './PremiseFields';

export interface FilterOptions {
  groups: { options: Option[]; loading: boolean };
  quarters: { items: Quarter[]; loading: boolean };
  objects: { items: RealtyObject[]; loading: boolean; label: (o: RealtyObject) => string };
}

interface Props {
  open: boolean;
  onClose: () => void;
  value: PremiseFilters;
  onChange: (patch: Partial<PremiseFilters>) => void;
  options: FilterOptions;
}

const multi = {
  mode: 'multiple' as const,
  allowClear: true,
  showSearch: true,
  optionFilterProp: 'label',
  maxTagCount: 'responsive' as const,
  style: { width: '100%' },
};

export function PremiseFiltersDrawer({ open, onClose, value, onChange, options }: Props) {
  const { t } = useI18n();
  const typeOptions = useTypeOptions();
  const { groups, quarters, objects } = options;

  // quarters of the chosen groups; objects of the chosen groups and quarters (chosen values stay)
  const quarterOptions = useMemo(
    () =>
      quarters.items
        .filter(
          (q) =>
            value.object_group_id.length === 0 || value.object_group_id.includes(q.object_group_id) || value.quarter_id.includes(q.id),
        )
        .map((q) => ({ value: q.id, label: q.name })),
    [quarters.items, value.object_group_id, value.quarter_id],
  );
  const objectOptions = useMemo(
    () =>
      objects.items
        .filter(
          (o) =>
            value.object_id.includes(o.id) ||
            (value.object_group_id.length === 0 || (o.object_group_id != null && value.object_group_id.includes(o.object_group_id))) &&
            (value.quarter_id.length === 0 || (o.quarter_id != null && value.quarter_id.includes(o.quarter_id))),
        )
        .map((o) => ({ value: o.id, label: objects.label(o) })),
    [objects, value.object_group_id, value.quarter_id, value.object_id],
  );

  const count = activeFilterCount(value);
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('premises.filters')}
      width={400}
      data-testid="filters-drawer"
      footer={
        <Flex justify="space-between">
          <Button
            onClick={() => onChange({ object_group_id: [], quarter_id: [], object_id: [], type: [], tag: [] })}
            disabled={count === 0}
            data-testid="filters-reset"
          >
            {t('premises.reset')}
          </Button>
          <Button type="primary" onClick={onClose} data-testid="filters-done">
            {t('premises.filtersDone')}
          </Button>
        </Flex>
      }
    >
      <Form layout="vertical" name="filter" component="div">
        <Form.Item label={t('premises.filter.group')} htmlFor="filter_object_group_id">
          <Select<number[]>
            {...multi}
            id="filter_object_group_id"
            options={groups.options}
            loading={groups.loading}
            value={value.object_group_id}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ object_group_id: v })}
          />
        </Form.Item>
        <Form.Item label={t('premises.filter.quarter')} htmlFor="filter_quarter_id">
          <Select<number[]>
            {...multi}
            id="filter_quarter_id"
            options={quarterOptions}
            loading={quarters.loading}
            value={value.quarter_id}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ quarter_id: v })}
          />
        </Form.Item>
        <Form.Item label={t('premises.filter.object')} htmlFor="filter_object_id">
          <Select<number[]>
            {...multi}
            id="filter_object_id"
            options={objectOptions}
            loading={objects.loading}
            value={value.object_id}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ object_id: v })}
          />
        </Form.Item>
        <Form.Item label={t('premises.filter.type')} htmlFor="filter_type">
          <Select<PremiseType[]>
            {...multi}
            id="filter_type"
            options={typeOptions}
            value={value.type}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ type: v })}
          />
        </Form.Item>
        <Form.Item label={t('premises.filter.tag')} htmlFor="filter_tag">
          <TagSelect
            mode="multiple"
            id="filter_tag"
            value={value.tag}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ tag: v })}
            maxTagCount="responsive"
            style={{ width: '100%' }}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
