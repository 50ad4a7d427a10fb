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
