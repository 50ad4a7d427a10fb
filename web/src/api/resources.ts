// Typed calls of the staff API, one function per route the UI uses.
import { API_BASE, api, buildQuery, request } from './client';
import type {
  Client, ClientInput, ClientPatch, ExternalId, ExternalIdInput, ExternalIdPatch, HistoryList, Me,
  MePatch, Entrance, EntranceInput, EntrancePatch, Floor, FloorInput, FloorListParams, FloorPatch, LegalEntity,
  LegalEntityInput, LegalEntityPatch, ListParams, ListResponse, LoginRequest, LoginResponse, ObjectGroup,
  ObjectGroupInput, ObjectGroupPatch, Premise, PremiseDeleteResult, PremiseDependents, PremiseInput,
  PremiseListParams, PremisePatch, Quarter, QuarterInput, QuarterListParams, QuarterPatch, RealtyObject,
  RealtyObjectInput, RealtyObjectListParams, RealtyObjectPatch, Tag, TagListParams,
  Account, AccountCreate, AccountDeleteResult, AccountDependents, AccountPatch, Charge, ChargeInput, ClientLinkCreate, ClientListItem,
  ClientListQuery, Link, LinkCreate, LinkDeleteParams, LinkFields, Payment, PaymentInput, PremiseLinks,
  ExchangeOperation, ExchangeOperationListParams, ImportAnswer, ImportRequest,
  ExchangeSettings, ExchangeSettingsUpdate, ExchangeFtpCheck, ExcelColumns, ExcelImportAnswer,
  ApiToken, ApiTokenCreate, ApiTokenIssued, StaffUser, StaffUserCreate, StaffUserUpdate,
} from './types';

/** Largest page the API serves; used to fill selects. */
export const MAX_LIMIT = 500;

export const authApi = {
  login: (body: LoginRequest) => api.post<LoginResponse>('/auth/login', body, { skipAuthRedirect: true }),
  logout: () => api.post<void>('/auth/logout', undefined, { skipAuthRedirect: true }),
  me: () => api.get<Me>('/me'),
  /** Switches the CRM space the user works in (P-4). */
  updateMe: (body: MePatch) => api.patch<Me>('/me', body),
};

/** CRUD for one flat collection. */
export interface Crud<T, I, U, P extends ListParams = ListParams> {
  list(params: P, signal?: AbortSignal): Promise<ListResponse<T>>;
  get(id: number): Promise<T>;
  create(body: I): Promise<T>;
  update(id: number, body: U): Promise<T>;
  remove(id: number): Promise<void>;
}

function crud<T, I, U, P extends ListParams = ListParams>(base: string): Crud<T, I, U, P> {
  return {
    list: (params, signal) => api.get<ListResponse<T>>(base, params, signal),
    get: (id) => api.get<T>(`${base}/${id}`),
    create: (body) => api.post<T>(base, body),
    update: (id, body) => api.patch<T>(`${base}/${id}`, body),
    remove: (id) => api.del(`${base}/${id}`),
  };
}

export const objectGroupsApi = crud<ObjectGroup, ObjectGroupInput, ObjectGroupPatch>('/object-groups');
export const quartersApi = crud<Quarter, QuarterInput, QuarterPatch, QuarterListParams>('/quarters');
export const objectsApi = crud<RealtyObject, RealtyObjectInput, RealtyObjectPatch, RealtyObjectListParams>('/objects');
export const legalEntitiesApi = crud<LegalEntity, LegalEntityInput, LegalEntityPatch>('/legal-entities');
export const entrancesApi = (objectId: number) =>
  crud<Entrance, EntranceInput, EntrancePatch>(`/objects/${objectId}/entrances`);
export const floorsApi = (objectId: number) =>
  crud<Floor, FloorInput, FloorPatch, FloorListParams>(`/objects/${objectId}/floors`);

export const premisesApi = {
  list: (params: PremiseListParams, signal?: AbortSignal) => api.get<ListResponse<Premise>>('/premises', params, signal),
  get: (id: number) => api.get<Premise>(`/premises/${id}`),
  create: (body: PremiseInput) => api.post<Premise>('/premises', body),
  update: (id: number, body: PremisePatch) => api.patch<Premise>(`/premises/${id}`, body),
  /** What deleting the premise would remove with it. */
  dependents: (id: number) => api.get<PremiseDependents>(`/premises/${id}/dependents`),
  /** Answers 200 with the counts of what was deleted. */
  remove: (id: number) => request<PremiseDeleteResult>('DELETE', `/premises/${id}`),
  /** URL of the .xlsx export with the list's search, filters and order (the session cookie authenticates it). */
  exportUrl: (params: Omit<PremiseListParams, 'limit' | 'offset'>) => `${API_BASE}/premises/export.xlsx${buildQuery(params)}`,
  /** Change history, newest first. */
  history: (id: number, params: { limit?: number; offset?: number }) => api.get<HistoryList>(`/premises/${id}/history`, params),
};

export const clientsApi = {
  /** `total_capped`: a broad search stopped counting at `total` (there are more matches). */
  list: (params: ClientListQuery, signal?: AbortSignal) =>
    api.get<ListResponse<ClientListItem> & { total_capped?: boolean }>('/clients', params, signal),
  get: (id: number) => api.get<Client>(`/clients/${id}`),
  create: (body: ClientInput) => api.post<Client>('/clients', body),
  update: (id: number, body: ClientPatch) => api.patch<Client>(`/clients/${id}`, body),
  remove: (id: number) => api.del(`/clients/${id}`),
  /** Change history, newest first. */
  history: (id: number, params: { limit?: number; offset?: number }) => api.get<HistoryList>(`/clients/${id}/history`, params),
  /** URL of the .xlsx export with the list's search, filters and order (the session cookie authenticates it). */
  exportUrl: (params: Omit<ClientListQuery, 'limit' | 'offset'>) => `${API_BASE}/clients/export.xlsx${buildQuery(params)}`,
};

/** External ids of one client; those of the other space than the caller's are read-only (403). */
export const externalIdsApi = (clientId: number) => ({
  list: () => api.get<ListResponse<ExternalId>>(`/clients/${clientId}/external-ids`),
  create: (body: ExternalIdInput) => api.post<ExternalId>(`/clients/${clientId}/external-ids`, body),
  update: (id: number, body: ExternalIdPatch) => api.patch<ExternalId>(`/clients/${clientId}/external-ids/${id}`, body),
  remove: (id: number) => api.del(`/clients/${clientId}/external-ids/${id}`),
});

export const tagsApi = {
  list: (params: TagListParams, signal?: AbortSignal) => api.get<ListResponse<Tag>>('/tags', params, signal),
};

/** Premise ↔ client links (L-1…L-6), from the premise's side and from the client's. */
export const linksApi = {
  ofPremise: (premiseId: number) => api.get<PremiseLinks>(`/premises/${premiseId}/clients`),
  create: (premiseId: number, body: LinkCreate) => api.post<Link>(`/premises/${premiseId}/clients`, body),
  update: (premiseId: number, clientId: number, body: LinkFields) => api.patch<Link>(`/premises/${premiseId}/clients/${clientId}`, body),
  /** Without `params` an owner with dependants answers 409 `has_dependants` (details.dependants). */
  remove: (premiseId: number, clientId: number, params?: LinkDeleteParams) =>
    request<void>('DELETE', `/premises/${premiseId}/clients/${clientId}`, { query: params }),
  ofClient: (clientId: number) => api.get<ListResponse<Link>>(`/clients/${clientId}/premises`),
  createForClient: (clientId: number, body: ClientLinkCreate) => api.post<Link>(`/clients/${clientId}/premises`, body),
};

/** Personal accounts of premises (A-1…A-3) and their charges and payments. */
export const accountsApi = {
  ofPremise: (premiseId: number) => api.get<ListResponse<Account>>(`/premises/${premiseId}/accounts`),
  create: (premiseId: number, body: AccountCreate) => api.post<Account>(`/premises/${premiseId}/accounts`, body),
  get: (id: number) => api.get<Account>(`/accounts/${id}`),
  update: (id: number, body: AccountPatch) => api.patch<Account>(`/accounts/${id}`, body),
  dependents: (id: number) => api.get<AccountDependents>(`/accounts/${id}/dependents`),
  remove: (id: number) => request<AccountDeleteResult>('DELETE', `/accounts/${id}`),
  charges: (id: number, params: { limit?: number; offset?: number } = {}) => api.get<ListResponse<Charge>>(`/accounts/${id}/charges`, params),
  addCharge: (id: number, body: ChargeInput) => api.post<Charge>(`/accounts/${id}/charges`, body),
  payments: (id: number, params: { limit?: number; offset?: number } = {}) => api.get<ListResponse<Payment>>(`/accounts/${id}/payments`, params),
  addPayment: (id: number, body: PaymentInput) => api.post<Payment>(`/accounts/${id}/payments`, body),
};

/** The data exchange (docs/import-api.md): admins and API tokens only. */
export const exchangeApi = {
  /** The exchange log, newest first, without `details`. */
  operations: (params: ExchangeOperationListParams, signal?: AbortSignal) =>
    api.get<ListResponse<ExchangeOperation>>('/exchange/operations', params, signal),
  /** One operation with its errors, warnings and merges. */
  operation: (id: number, signal?: AbortSignal) => api.get<ExchangeOperation>(`/exchange/operations/${id}`, undefined, signal),
  /** Runs (or, with `dry_run`, checks) an import batch; 200 whenever the batch was read. */
  importBatch: (body: ImportRequest) => api.post<ImportAnswer>('/exchange/import', body),
  /** «Общие настройки» and «Импорт» (admins); the FTP password is never returned. */
  settings: (signal?: AbortSignal) => api.get<ExchangeSettings>('/exchange/settings', undefined, signal),
  /** Saves the given fields (absent ones are kept; `ftp_password` absent keeps it). */
  saveSettings: (body: ExchangeSettingsUpdate) => request<ExchangeSettings>('PUT', '/exchange/settings', { body }),
  /** «Проверить соединение» with the form's FTP fields. */
  checkFtp: (body: ExchangeFtpCheck) => api.post<{ ok: boolean; message: string }>('/exchange/settings/check-ftp', body),
  /** «Запустить сейчас»: 202 at once; the run's operations appear in the log. */
  runNow: () => api.post<{ status: string; started_at: string }>('/exchange/import/run'),
};

/** The organisation's staff users (admins; «Настройки» → «Пользователи»). */
export const usersApi = {
  list: (signal?: AbortSignal) => api.get<{ items: StaffUser[] }>('/users', undefined, signal),
  add: (body: StaffUserCreate) => api.post<StaffUser>('/users', body),
  /** Name, role, password, `blocked`; absent fields are kept. */
  change: (id: number, body: StaffUserUpdate) => api.patch<StaffUser>(`/users/${id}`, body),
  history: (id: number, params: { limit?: number; offset?: number }) => api.get<HistoryList>(`/users/${id}/history`, params),
};

/** API tokens of the organisation's integrations (admins; «Интеграция» → «API-токены»). */
export const tokensApi = {
  list: (signal?: AbortSignal) => api.get<{ items: ApiToken[] }>('/integration/tokens', undefined, signal),
  /** The answer carries the token's text, shown this once. */
  issue: (body: ApiTokenCreate) => api.post<ApiTokenIssued>('/integration/tokens', body),
  revoke: (id: number) => api.del(`/integration/tokens/${id}`),
};

/** The Excel import (docs/import-excel.md). */
export const excelApi = {
  templateUrl: `${API_BASE}/exchange/excel/template.xlsx`,
  exportUrl: `${API_BASE}/exchange/excel/export.xlsx`,
  /** The columns, rules and the «Важно!» warning for «Показать инструкцию». */
  columns: (signal?: AbortSignal) => api.get<ExcelColumns>('/exchange/excel/columns', undefined, signal),
  /** Uploads an .xlsx; `dryRun` — «Проверить». 200 whenever the sheet was read; 422 for a file that cannot be. */
  importFile: (file: File, dryRun: boolean) => {
    const form = new FormData();
    form.append('file', file);
    form.append('dry_run', dryRun ? 'true' : 'false');
    return request<ExcelImportAnswer>('POST', '/exchange/excel', { form });
  },
  /** The uploaded sheet with an «Ошибки» column (a relative URL from the answer). */
  fileUrl: (path: string) => path,
};
