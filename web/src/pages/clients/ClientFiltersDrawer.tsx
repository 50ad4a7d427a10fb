// «Фильтры» of the clients list (C-3): client type, status, tags, role on a premise, debt
// range in ₽ (sent in kopecks) and the object hierarchy
// — object group, quarter, object, entrance, floor, premise. Entrances and floors are those of
// the chosen objects; premises are searched on the server by address. Every change applies
// at once; «Сбросить» clears all. The hierarchy filters find clients through their premises.
import { Button, Col, Divider, Drawer, Flex, Form, InputNumber, Row, Select, Spin, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { entrancesApi, floorsApi, objectGroupsApi, objectsApi, premisesApi, quartersApi } from '../../api/resources';
import type { ClientStatus, ClientType, Entrance, Floor, LinkRole, ObjectGroup, Quarter, RealtyObject } from '../../api/types';
import { TagSelect } from '../../components/TagSelect';
import { useOptions } from '../../components/useOptions';
import { useI18n } from '../../i18n';
import { LINK_ROLES, linkRoleKey } from '../links/linkFields';
import { objectLabel } from '../premises/PremiseAddModal';
import { rublesToKopecks } from '../../utils/format';
import { CLIENT_STATUSES, clientStatusKey, useClientTypeOptions } from './clientFields';
import { activeFilterCount, EMPTY_FILTERS, type ClientFilters } from './listState';

interface Labeled {
  value: number;
  label: string;
}

const groupLabel = (g: ObjectGroup) => g.name;
const quarterLabel = (q: Quarter) => q.name;

/**
 * Options and labels of the hierarchy filters: loaded by the list page, so the chips under
 * the toolbar have names even with the drawer closed.
 */
export function useClientFilterOptions(value: ClientFilters) {
  const { t } = useI18n();
  const groups = useOptions(objectGroupsApi.list, groupLabel);
  const quarters = useOptions(quartersApi.list, quarterLabel);
  const objectLabelCb = useCallback(objectLabel, []);
  const objects = useOptions(objectsApi.list, objectLabelCb);

  // entrances and floors of the chosen objects
  const objectKey = value.object_id.join(',');
  const [entrances, setEntrances] = useState<Labeled[]>([]);
  const [floors, setFloors] = useState<Labeled[]>([]);
  const [levelsLoading, setLevelsLoading] = useState(false);
  useEffect(() => {
    const chosen = objectKey ? objectKey.split(',').map(Number) : [];
    if (chosen.length === 0) {
      setEntrances([]);
      setFloors([]);
      return;
    }
    let cancelled = false;
    setLevelsLoading(true);
    Promise.all(
      chosen.map(async (objectId) => {
        const [e, f] = await Promise.all([
          entrancesApi(objectId).list({ limit: 500, offset: 0 }),
          floorsApi(objectId).list({ limit: 500, offset: 0 }),
        ]);
        return { objectId, entrances: e.items, floors: f.items };
      }),
    )
      .then((perObject) => {
        if (cancelled) return;
        const many = perObject.length > 1;
        const es: Labeled[] = [];
        const fs: Labeled[] = [];
        for (const o of perObject) {
          const prefix = many ? `${objects.byId.get(o.objectId)?.name ?? `#${o.objectId}`} · ` : '';
          const byId = new Map<number, Entrance>(o.entrances.map((e) => [e.id, e]));
          for (const e of o.entrances) es.push({ value: e.id, label: prefix + t('entrance.label', { number: e.number }) });
          for (const f of o.floors as Floor[]) {
            const e = f.entrance_id ? byId.get(f.entrance_id) : undefined;
            fs.push({
              value: f.id,
              label:
                prefix +
                (e
                  ? t('premise.floorOfEntrance', { number: f.number, entrance: t('entrance.label', { number: e.number }) })
                  : t('premise.floorLabel', { number: f.number })),
            });
          }
        }
        setEntrances(es);
        setFloors(fs);
      })
      .catch(() => {
        if (!cancelled) {
          setEntrances([]);
          setFloors([]);
        }
      })
      .finally(() => !cancelled && setLevelsLoading(false));
    return () => {
      cancelled = true;
    };
  }, [objectKey, objects.byId, t]);

  // addresses of chosen premises (for the select's tags and the chips)
  const [premiseLabels, setPremiseLabels] = useState<Map<number, string>>(new Map());
  const premiseKey = value.premise_id.join(',');
  useEffect(() => {
    const missing = value.premise_id.filter((id) => !premiseLabels.has(id));
    if (missing.length === 0) return;
    let cancelled = false;
    Promise.all(missing.map((id) => premisesApi.get(id).then((p) => [id, p.address] as const).catch(() => [id, `#${id}`] as const))).then(
      (pairs) => {
        if (!cancelled) setPremiseLabels((m) => new Map([...m, ...pairs]));
      },
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [premiseKey]);
  const rememberPremises = useCallback((pairs: [number, string][]) => {
    setPremiseLabels((m) => {
      const next = new Map(m);
      for (const [id, label] of pairs) next.set(id, label);
      return next;
    });
  }, []);

  return { groups, quarters, objects, entrances, floors, levelsLoading, premiseLabels, rememberPremises };
}

export type ClientFilterOptions = ReturnType<typeof useClientFilterOptions>;

interface Props {
  open: boolean;
  onClose: () => void;
  value: ClientFilters;
  onChange: (patch: Partial<ClientFilters>) => void;
  options: ClientFilterOptions;
}

const multi = {
  mode: 'multiple' as const,
  allowClear: true,
  showSearch: true,
  optionFilterProp: 'label',
  maxTagCount: 'responsive' as const,
  style: { width: '100%' },
};

export function ClientFiltersDrawer({ open, onClose, value, onChange, options }: Props) {
  const { t } = useI18n();
  const typeOptions = useClientTypeOptions();
  const statusOptions = useMemo(() => CLIENT_STATUSES.map((s) => ({ value: s, label: t(clientStatusKey(s)) })), [t]);
  const roleOptions = useMemo(() => LINK_ROLES.map((r) => ({ value: r, label: t(linkRoleKey(r)) })), [t]);
  const { groups, quarters, objects, entrances, floors, levelsLoading, premiseLabels, rememberPremises } = options;

  // quarters of the chosen groups; objects of the chosen groups and quarters (chosen values stay)
  const quarterOptions = useMemo(
    () =>
      quarters.items
        .filter((q) => value.object_group_id.length === 0 || value.object_group_id.includes(q.object_group_id) || value.quarter_id.includes(q.id))
        .map((q) => ({ value: q.id, label: q.name })),
    [quarters.items, value.object_group_id, value.quarter_id],
  );
  const objectOptions = useMemo(
    () =>
      objects.items
        .filter(
          (o: RealtyObject) =>
            value.object_id.includes(o.id) ||
            ((value.object_group_id.length === 0 || (o.object_group_id != null && value.object_group_id.includes(o.object_group_id))) &&
              (value.quarter_id.length === 0 || (o.quarter_id != null && value.quarter_id.includes(o.quarter_id)))),
        )
        .map((o) => ({ value: o.id, label: objectLabel(o) })),
    [objects.items, value.object_group_id, value.quarter_id, value.object_id],
  );

  // premises: server search by address within the chosen objects
  const [premiseOptions, setPremiseOptions] = useState<Labeled[]>([]);
  const [premisesLoading, setPremisesLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const ctrl = useRef<AbortController | undefined>(undefined);
  const loadPremises = useCallback(
    (q: string) => {
      ctrl.current?.abort();
      const c = new AbortController();
      ctrl.current = c;
      setPremisesLoading(true);
      premisesApi
        .list({ q: q.trim() || undefined, object_id: value.object_id, limit: 50 }, c.signal)
        .then((res) => {
          if (c.signal.aborted) return;
          const opts = res.items.map((p) => ({ value: p.id, label: p.address }));
          setPremiseOptions(opts);
          rememberPremises(opts.map((o) => [o.value, o.label]));
        })
        .catch(() => !c.signal.aborted && setPremiseOptions([]))
        .finally(() => !c.signal.aborted && setPremisesLoading(false));
    },
    [value.object_id, rememberPremises],
  );
  useEffect(() => () => clearTimeout(timer.current), []);
  const chosenPremises = value.premise_id
    .filter((id) => !premiseOptions.some((o) => o.value === id))
    .map((id) => ({ value: id, label: premiseLabels.get(id) ?? `#${id}` }));

  const noObject = value.object_id.length === 0;
  const count = activeFilterCount(value);
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('clients.filters')}
      width={420}
      data-testid="filters-drawer"
      footer={
        <Flex justify="space-between">
          <Button onClick={() => onChange(EMPTY_FILTERS)} disabled={count === 0} data-testid="filters-reset">
            {t('premises.reset')}
          </Button>
          <Button type="primary" onClick={onClose} data-testid="filters-done">
            {t('premises.filtersDone')}
          </Button>
        </Flex>
      }
    >
      <Form layout="vertical" name="filter" component="div">
        <Form.Item label={t('clients.filter.type')} htmlFor="filter_type">
          <Select<ClientType[]>
            {...multi}
            id="filter_type"
            options={typeOptions}
            value={value.type}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ type: v })}
          />
        </Form.Item>
        <Form.Item label={t('clients.filter.status')} htmlFor="filter_status">
          <Select<ClientStatus[]>
            {...multi}
            id="filter_status"
            options={statusOptions}
            value={value.status}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ status: v })}
          />
        </Form.Item>
        <Form.Item label={t('clients.filter.tag')} htmlFor="filter_tag">
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
        <Form.Item label={t('clients.filter.role')} htmlFor="filter_role" extra={t('clients.filter.roleHint')}>
          <Select<LinkRole[]>
            {...multi}
            id="filter_role"
            options={roleOptions}
            value={value.role}
            placeholder={t('premises.filter.any')}
            onChange={(v) => onChange({ role: v })}
          />
        </Form.Item>
        <DebtRange min={value.debt_min} max={value.debt_max} onChange={(debt_min, debt_max) => onChange({ debt_min, debt_max })} />

        <Divider orientation="left" orientationMargin={0} plain style={{ marginTop: 4 }}>
          <Typography.Text type="secondary">{t('clients.filter.byPremises')}</Typography.Text>
        </Divider>
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
            onChange={(v) => {
              // entrances and floors belong to the objects
              const patch: Partial<ClientFilters> = { object_id: v };
              if (v.length === 0) Object.assign(patch, { entrance_id: [], floor_id: [] });
              onChange(patch);
            }}
          />
        </Form.Item>
        <Form.Item label={t('clients.filter.entrance')} htmlFor="filter_entrance_id">
          <Select<number[]>
            {...multi}
            id="filter_entrance_id"
            options={entrances}
            loading={levelsLoading}
            disabled={noObject && value.entrance_id.length === 0}
            value={value.entrance_id}
            placeholder={noObject ? t('premise.chooseObjectFirst') : t('premises.filter.any')}
            onChange={(v) => onChange({ entrance_id: v })}
          />
        </Form.Item>
        <Form.Item label={t('clients.filter.floor')} htmlFor="filter_floor_id">
          <Select<number[]>
            {...multi}
            id="filter_floor_id"
            options={floors}
            loading={levelsLoading}
            disabled={noObject && value.floor_id.length === 0}
            value={value.floor_id}
            placeholder={noObject ? t('premise.chooseObjectFirst') : t('premises.filter.any')}
            onChange={(v) => onChange({ floor_id: v })}
          />
        </Form.Item>
        <Form.Item label={t('clients.filter.premise')} htmlFor="filter_premise_id" extra={t('clients.filter.premiseHint')}>
          <Select<number[]>
            {...multi}
            id="filter_premise_id"
            options={[...chosenPremises, ...premiseOptions]}
            filterOption={false}
            onSearch={(q) => {
              clearTimeout(timer.current);
              timer.current = setTimeout(() => loadPremises(q), 250);
            }}
            onOpenChange={(o) => o && loadPremises('')}
            notFoundContent={premisesLoading ? <Spin size="small" /> : undefined}
            value={value.premise_id}
            placeholder={t('clients.filter.premisePlaceholder')}
            onChange={(v) => onChange({ premise_id: v })}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/**
 * «Долг от / до» in ₽ (kopecks in the state and the API). A bound applies on Enter or when the
 * input loses focus, not on every keystroke; negative values are overpayments.
 */
function DebtRange({ min, max, onChange }: { min?: number; max?: number; onChange: (min?: number, max?: number) => void }) {
  const { t, lang } = useI18n();
  const toText = (k?: number) => (k === undefined ? null : (k / 100).toFixed(2));
  const [from, setFrom] = useState<string | null>(toText(min));
  const [to, setTo] = useState<string | null>(toText(max));
  // follow the state (chips, «Сбросить», back button)
  useEffect(() => setFrom(toText(min)), [min]);
  useEffect(() => setTo(toText(max)), [max]);

  const commit = () => {
    const a = rublesToKopecks(from ?? undefined);
    const b = rublesToKopecks(to ?? undefined);
    if (a !== min || b !== max) onChange(a, b);
  };
  const input = (id: string, v: string | null, set: (v: string | null) => void, placeholder: string) => (
    <InputNumber<string>
      id={id}
      stringMode
      precision={2}
      decimalSeparator={lang === 'ru' ? ',' : '.'}
      value={v}
      onChange={set}
      onBlur={commit}
      onPressEnter={commit}
      placeholder={placeholder}
      addonAfter="₽"
      style={{ width: '100%' }}
    />
  );
  return (
    <Form.Item label={t('clients.filter.debt')} extra={t('clients.filter.debtHint')} style={{ marginBottom: 16 }}>
      <Row gutter={8}>
        <Col span={12}>{input('filter_debt_min', from, setFrom, t('clients.filter.debtFrom'))}</Col>
        <Col span={12}>{input('filter_debt_max', to, setTo, t('clients.filter.debtTo'))}</Col>
      </Row>
    </Form.Item>
  );
}
