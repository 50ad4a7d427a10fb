// Names the UI uses for the API types. They all come from `schema.d.ts`, which
// `npm run gen:api` generates from docs/openapi.yaml (the one source of the contract).
import type { components, operations } from './schema';

type S = components['schemas'];
type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export type Role = S['Role'];
export type User = S['User'];
export type LoginRequest = S['LoginRequest'];
export type LoginResponse = S['LoginResponse'];
export type ErrorBody = S['Error'];

export interface ListResponse<T> {
  items: T[];
  total: number;
}
/** limit / offset / q, common to every list. */
export type ListParams = QueryOf<'listObjectGroups'>;

export type ObjectGroup = S['ObjectGroup'];
export type ObjectGroupInput = S['ObjectGroupCreate'];
export type ObjectGroupPatch = S['ObjectGroupUpdate'];

export type Quarter = S['Quarter'];
export type QuarterInput = S['QuarterCreate'];
export type QuarterPatch = S['QuarterUpdate'];
export type QuarterListParams = QueryOf<'listQuarters'>;

/** An object (ЖК, дом); `Object` would shadow the JS global. */
export type RealtyObject = S['Object'];
export type RealtyObjectInput = S['ObjectCreate'];
export type RealtyObjectPatch = S['ObjectUpdate'];
export type RealtyObjectListParams = QueryOf<'listObjects'>;

export type Entrance = S['Entrance'];
export type EntranceInput = S['EntranceCreate'];
export type EntrancePatch = S['EntranceUpdate'];

export type Floor = S['Floor'];
export type FloorInput = S['FloorCreate'];
export type FloorPatch = S['FloorUpdate'];
export type FloorListParams = QueryOf<'listFloors'>;

export type LegalEntity = S['LegalEntity'];
export type LegalEntityInput = S['LegalEntityCreate'];
export type LegalEntityPatch = S['LegalEntityUpdate'];

export type PremiseType = S['PremiseType'];
export type Premise = S['Premise'];
export type PremiseInput = S['PremiseCreate'];
export type PremisePatch = S['PremiseUpdate'];
export type PremiseListParams = QueryOf<'listPremises'>;
export type PremiseSort = NonNullable<PremiseListParams['sort']>;
export type PremiseDependents = S['PremiseDependents'];
export type PremiseDeleteResult = S['PremiseDeleted'];

export type Tag = S['Tag'];
export type TagListParams = QueryOf<'listTags'>;

export type HistoryEntry = S['HistoryEntry'];
export type HistoryList = S['HistoryList'];

/** The signed-in user with the CRM space of the session (P-4). */
export type Me = S['Me'];
export type MePatch = S['MeUpdate'];
export type Space = S['Space'];

export type ClientType = S['ClientType'];
export type ClientStatus = S['ClientStatus'];
export type Client = S['Client'];
export type Gender = NonNullable<Client['gender']>;
export type ClientInput = S['ClientCreate'];
export type ClientPatch = S['ClientUpdate'];
export type ClientListParams = QueryOf<'listClients'>;
export type ClientSort = NonNullable<ClientListParams['sort']>;
/** One of the client's premises (filled once clients are linked to premises). */
export type ClientPremiseRef = S['ClientPremise'];

export type ExternalId = S['ExternalId'];
export type ExternalIdInput = S['ExternalIdCreate'];
export type ExternalIdPatch = S['ExternalIdUpdate'];

// ---- Issue 5: premise ↔ client links, personal accounts and their ledger (docs/links-and-accounts.md) ----

export type LinkRole = S['LinkRole'];
export type Link = S['Link'];
export type LinkMissing = Link['missing'][number];
/** `GET /premises/{id}/clients`: the links with the premise's owners'-meeting readiness. */
export type PremiseLinks = S['LinkList'];
export type LinkCreate = S['LinkCreate'];
export type ClientLinkCreate = S['ClientLinkCreate'];
/** The editable fields of a link (L-3), the PATCH body. */
export type LinkFields = S['LinkUpdate'];
export type LinkDependant = S['Dependant'];
/** How DELETE treats an owner's dependants (without it the server answers 409 has_dependants). */
export type LinkDeleteParams = NonNullable<operations['deletePremiseLink']['parameters']['query']>;

export type Account = S['Account'];
export type AccountCreate = S['AccountCreate'];
export type AccountPatch = S['AccountUpdate'];
export type AccountDependents = S['AccountDependents'];
export type AccountDeleteResult = S['AccountDeleted'];
export type Charge = S['Charge'];
export type ChargeInput = S['ChargeCreate'];
export type Payment = S['Payment'];
export type PaymentInput = S['PaymentCreate'];

/** A premise of a clients list item (up to 3) with the client's role there. */
export type ClientListPremise = S['ClientPremise'];
export type ClientListItem = Client;
export type ClientListQuery = ClientListParams;

// ---- Staff users and API tokens (SPEC P-1; admins) ----

export type StaffUser = S['StaffUser'];
export type StaffRole = S['StaffRole'];
export type StaffUserCreate = S['StaffUserCreate'];
export type StaffUserUpdate = S['StaffUserUpdate'];

export type ApiToken = S['ApiToken'];
export type ApiTokenCreate = S['ApiTokenCreate'];
export type ApiTokenIssued = S['ApiTokenIssued'];

// ---- Issue 6: the data exchange — imports and their log (docs/import-api.md) ----

export type ExchangeOperation = S['Operation'];
export type ExchangeOperationKind = S['OperationKind'];
export type ExchangeOperationStatus = S['OperationStatus'];
export type ExchangeOperationListParams = QueryOf<'listExchangeOperations'>;
export type ImportRequest = S['ImportRequest'];
export type ImportAnswer = S['ImportAnswer'];
export type ImportResult = S['ImportResult'];
export type ImportProblem = S['ImportProblem'];
export type ImportMerge = S['ImportMerge'];
export type ImportOutcome = S['ImportOutcome'];
export type ExchangeSettings = S['ExchangeSettings'];
export type ExchangeSettingsUpdate = S['ExchangeSettingsUpdate'];
export type ExchangeFtpCheck = S['ExchangeFtpCheck'];
export type ExcelColumns = S['ExcelColumns'];
export type ExcelImportAnswer = S['ExcelImportAnswer'];
export type ExcelImportProblem = S['ExcelImportProblem'];
