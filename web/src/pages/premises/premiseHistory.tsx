// How the change history of a premise shows its fields: labels in the UI language, the type
// translated, areas in m², the object, entrance and floor by name (ids of records since
// deleted stay as «#id»).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { entrancesApi, floorsApi, objectsApi } from '../../api/resources';
import type { PremiseType } from '../../api/types';
import type { HistoryFormat } from '../../components/HistoryDrawer';
import { useI18n, type MessageKey } from '../../i18n';
import { formatDate, formatNumber } from '../../utils/format';
import { isPremiseType, typeLabelKey } from './premiseTypes';
import { LINK_ROLES, linkRoleKey } from '../links/linkFields';
import type { LinkRole } from '../../api/types';

type Summary = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

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
      label: (field) => {
        if (field.startsWith('link:')) return t('history.link');
        if (field.startsWith('account:')) return t('history.account');
        return LABELS[field] ? t(LABELS[field]) : undefined;
      },
      order: ORDER,
      value: (field, v) => {
        if (v === null || v === undefined) return undefined;
        // a link or an account is recorded as a whole: one line of what matters
        if (field.startsWith('link:') && typeof v === 'object') {
          const l = v as Summary;
          const role = str(l.role);
          return [
            str(l.client) ?? `#${field.slice(5)}`,
            role && (LINK_ROLES as readonly string[]).includes(role) ? t(linkRoleKey(role as LinkRole)) : role,
            str(l.owner) && t('history.linkOwner', { name: str(l.owner) as string }),
            str(l.ownership_share) && t('history.linkShare', { share: str(l.ownership_share) as string }),
            (str(l.ddu_number) || str(l.ddu_date)) &&
              [t('link.col.ddu'), str(l.ddu_number) && `№ ${str(l.ddu_number)}`, str(l.ddu_date) && `${t('link.from')} ${formatDate(str(l.ddu_date))}`]
                .filter(Boolean)
                .join(' '),
            str(l.comment),
          ]
            .filter(Boolean)
            .join(' · ');
        }
        if (field.startsWith('account:') && typeof v === 'object') {
          const a = v as Summary;
          return [
            `№ ${str(a.number) ?? '—'}`,
            str(a.legal_entity),
            str(a.unified_account) && t('history.accountEls', { els: str(a.unified_account) as string }),
            str(a.external_id),
            a.hidden_from_resident === true && t('account.col.hidden').toLowerCase(),
          ]
            .filter(Boolean)
            .join(' · ');
        }
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
