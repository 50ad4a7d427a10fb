// The one HTTP client of the UI: fetch with the session cookie, the CSRF header on writes,
// JSON in and out, and every non-2xx answer turned into an ApiError.

export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'upravdom_csrf';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Error answer of the server: {code, message, fields?, details?} plus the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly details: Record<string, unknown> | undefined;
  /** Seconds from a `Retry-After` header (429). */
  retryAfter: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    fields?: Record<string, string>,
    details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
    this.details = details;
  }

  get hasFieldErrors(): boolean {
    return Object.keys(this.fields).length > 0;
  }
}

/** Network failure or an answer that is not the documented error shape. */
export const NETWORK_ERROR_CODE = 'network_error';

let unauthorizedHandler: (() => void) | null = null;

/** The app registers what to do on any 401 (go to the sign-in page). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

export function readCookie(name: string): string | undefined {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const c = part.trim();
    if (c.startsWith(prefix)) return decodeURIComponent(c.slice(prefix.length));
  }
  return undefined;
}

/** Query parameters: any object of scalars or arrays of scalars (an array repeats the
 * parameter: `type=flat&type=room`); empty values are left out. */
export type Query = object;

export function buildQuery(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query) as [string, unknown][]) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === null || item === '') continue;
      params.append(k, String(item));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A multipart/form-data body (a file upload); the browser sets its Content-Type. */
  form?: FormData;
  /** Do not call the global 401 handler (the sign-in form handles 401 itself). */
  skipAuthRedirect?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: opts.signal };
  if (opts.form !== undefined) {
    init.body = opts.form;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    init.body = JSON.stringify(opts.body);
  }
  if (WRITE_METHODS.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }

  let res: Response;
  try {
    res = await fetch(API_BASE + path + buildQuery(opts.query), init);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, NETWORK_ERROR_CODE, '');
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    const body = (data ?? {}) as { code?: string; message?: string; fields?: Record<string, string>; details?: Record<string, unknown> };
    const err = new ApiError(
      res.status,
      typeof body.code === 'string' ? body.code : `http_${res.status}`,
      typeof body.message === 'string' ? body.message : '',
      body.fields && typeof body.fields === 'object' ? body.fields : undefined,
      body.details,
    );
    const retry = Number(res.headers.get('Retry-After'));
    if (Number.isFinite(retry) && retry > 0) err.retryAfter = retry;
    if (res.status === 401 && !opts.skipAuthRedirect && unauthorizedHandler) unauthorizedHandler();
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: (path: string) => request<void>('DELETE', path),
};
