// How the change history of a premise shows its fields: labels in the UI language, the type
// translated, areas in m², the object, entrance and floor by name (ids of records since
// deleted stay as «#id»).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { entrancesApi, floorsApi, objectsApi } from '../../api/resources';
import type { PremiseType } from '../../api/types';
import type { HistoryFormat } from '../../components/HistoryDrawer';
import { useI18n, type MessageKey } from '../../i18n';
import { formatNumber } from '../../utils/format';
import { isPremiseType, typeLabelKey } from './premiseTypes';

const LABELS: Record<string, MessageKey> = {
  address: 'premises.col.address',
  type: 'premise.type',
  object_id: 'premise.object',
  entrance_id: 'premise.entrance',
  floor_id: 'premise.floor',
  number: 'premise.number',
  street: 'premise.street',
  house: 'premise.house',
  level: 'premise.level',
  room: 'premise.room',
  total_area: 'premise.totalArea',
  living_area: 'premise.livingArea',
  rooms: 'premise.rooms',
  online_payment: 'premise.onlinePayment',
  note: 'premise.note',
  tags: 'premise.tags',
  external_id: 'premise.externalId',
};

const ORDER = Object.keys(LABELS);

/** `enabled`: load the names only while the drawer is open. */
export function usePremiseHistoryFormat(objectId: number, enabled: boolean): HistoryFormat {
  const { t, lang } = useI18n();
  const [objects, setObjects] = useState<Map<number, string>>(new Map());
  const [entrances, setEntrances] = useState<Map<number, string>>(new Map());
  const [floors, setFloors] = useState<Map<number, string>>(new Map());

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const all = { limit: 500, offset: 0 };
    Promise.all([objectsApi.list(all), entrancesApi(objectId).list(all), floorsApi(objectId).list(all)])
      .then(([o, e, f]) => {
        if (cancelled) return;
        setObjects(new Map(o.items.map((x) => [x.id, x.name])));
        setEntrances(new Map(e.items.map((x) => [x.id, t('entrance.label', { number: x.number })])));
        setFloors(new Map(f.items.map((x) => [x.id, t('premise.floorLabel', { number: x.number })])));
      })
      .catch(() => {
        /* ids are shown as «#id» */
      });
    return () => {
      cancelled = true;
    };
  }, [enabled, objectId, t]);

  const byId = useCallback((m: Map<number, string>, v: unknown) => (typeof v === 'number' ? (m.get(v) ?? `#${v}`) : undefined), []);

  return useMemo<HistoryFormat>(
    () => ({
      label: (field) => (LABELS[field] ? t(LABELS[field]) : undefined),
      order: ORDER,
      value: (field, v) => {
        if (v === null || v === undefined) return undefined;
        if (field === 'type' && typeof v === 'string' && isPremiseType(v)) return t(typeLabelKey(v as PremiseType));
        if ((field === 'total_area' || field === 'living_area') && typeof v === 'number') {
          return t('premise.area', { value: formatNumber(v, lang) });
        }
        if (field === 'object_id') return byId(objects, v);
        if (field === 'entrance_id') return byId(entrances, v);
        if (field === 'floor_id') return byId(floors, v);
        return undefined;
      },
    }),
    [t, lang, objects, entrances, floors, byId],
  );
}
