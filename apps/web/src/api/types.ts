import type { components } from '../generated/api';

/** Names for the API's schemas (generated from the gateway's OpenAPI document). */
export type Schemas = components['schemas'];
export type UiConfig = Schemas['UiConfigDto'];
export type Me = Schemas['MeDto'];
export type Role = Me['roles'][number];
export type Camera = Schemas['CameraDto'];
export type LiveSession = Schemas['LiveSessionDto'];
export type CameraAccess = Schemas['CameraAccessDto'];
export type LiveSessionEvent = Schemas['LiveSessionEventDto'];
export type Incident = Schemas['IncidentDto'];
export type Organisation = Schemas['OrganisationDto'];
