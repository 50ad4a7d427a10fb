// Formatting of API values for display.
import dayjs from 'dayjs';

/** ISO-8601 timestamp → local «ДД.ММ.ГГГГ ЧЧ:ММ»; empty for missing values. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('DD.MM.YYYY HH:mm') : value;
}

/** Human address of an object: «г. Москва, ул. Ленина, д. 10». */
export function formatAddress(o: { city?: string | null; street?: string | null; house?: string | null }): string {
  return [o.city, o.street, o.house].filter((p) => p && String(p).trim()).join(', ');
}

/** Form values → create body: drop empty optional values. */
export function compactBody<T extends object>(values: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out as Partial<T>;
}

/** Form values → PATCH body: empty optional values become null (clears them). */
export function patchBody<T extends object>(values: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) out[k] = null;
    else if (typeof v === 'string') out[k] = v.trim() === '' ? null : v.trim();
    else out[k] = v;
  }
  return out as Partial<T>;
}

/** A number in the UI language's notation: «54,35» / «54.35», «1 234,5». */
export function formatNumber(value: number, lang: string, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits }).format(value);
}
