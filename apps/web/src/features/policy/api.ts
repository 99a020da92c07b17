import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';

export type PolicyVersion = Schemas['PolicyVersionDto'];
export type PolicyProblem = Schemas['PolicyProblemDto'];
export type PolicyReport = Schemas['PolicyReportDto'];
export type Organisation = Schemas['OrganisationDto'];

/** The matrix shapes (the OpenAPI document types them as plain objects; see libs/policy policy-matrix.ts). */
export interface MatrixCell {
  decision: 'permit' | 'deny';
  obligations?: Obligations;
  policies: string[];
}
export interface Obligations {
  watermark: boolean;
  purposeRequired: boolean;
  maxDurationSec?: number;
  ownerApproval: boolean;
  anonymize: boolean;
}
export interface MatrixRow {
  label: string;
  cells: Record<string, { now: MatrixCell; incident: MatrixCell } | undefined>;
}
export interface PolicyMatrix {
  camera: string;
  versions: Record<string, number>;
  actions: string[];
  rows: MatrixRow[];
}
export interface MatrixChange {
  label: string;
  action: string;
  situation: 'now' | 'incident';
  change: 'opens' | 'closes' | 'obligations';
  before: MatrixCell;
  after: MatrixCell;
}
export interface SimulatedDecision {
  action: string;
  decision: 'permit' | 'deny';
  reasons: string[];
  denial?: string;
  policies: { jurisdiction: string; version: number; role: string; decision: string; ids: string[] }[];
  obligations: Obligations;
  errors: string[];
}

/** What the simulator evaluates in place of the active rules: a stored version or an unsaved text. */
export type DraftChoice = { draftVersion: number } | { text: string };

export const ACTIONS = [
  'live.anonymized',
  'live.raw',
  'recording.anonymized',
  'recording.raw',
  'clip.request',
  'clip.approve',
  'analytics.view',
  'incident.declare',
  'incident.accept',
  'incident.end',
  'camera.manage',
  'policy.edit',
  'audit.read',
] as const;
export const ROLES = ['operator', 'municipal', 'legal-officer', 'admin', 'auditor', 'supervisory-authority'] as const;

export function usePolicies() {
  return useQuery({ queryKey: ['policies'], queryFn: () => unwrap(api.GET('/api/v1/policies')) });
}

export function useVersions(jurisdiction: string) {
  return useQuery({
    queryKey: ['policies', jurisdiction, 'versions'],
    queryFn: () => unwrap(api.GET('/api/v1/policies/{jurisdiction}/versions', { params: { path: { jurisdiction } } })),
  });
}

export function useVersion(jurisdiction: string, version: number | undefined) {
  return useQuery({
    queryKey: ['policies', jurisdiction, 'version', version],
    enabled: version !== undefined,
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/api/v1/policies/{jurisdiction}/versions/{version}', { params: { path: { jurisdiction, version: version! } } })),
  });
}

export function useCameras() {
  return useQuery({ queryKey: ['cameras'], queryFn: () => unwrap(api.GET('/api/v1/cameras')) });
}

export function useMatrixDiff(jurisdiction: string, cameraId: string | undefined, draft: DraftChoice | undefined) {
  return useQuery({
    queryKey: ['policies', jurisdiction, 'matrix-diff', cameraId, draft],
    enabled: !!cameraId && !!draft,
    queryFn: async () =>
      unwrap(api.POST('/api/v1/policies/{jurisdiction}/matrix/diff', { params: { path: { jurisdiction } }, body: { cameraId: cameraId!, ...draft } })) as unknown as Promise<{
        changes: MatrixChange[];
        activeVersions: Record<string, number>;
        draftVersions: Record<string, number>;
      }>,
  });
}

export function useMatrix(jurisdiction: string, cameraId: string | undefined, draft: DraftChoice | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['policies', jurisdiction, 'matrix', cameraId, draft],
    enabled: enabled && !!cameraId,
    queryFn: async () =>
      (
        (await unwrap(api.POST('/api/v1/policies/{jurisdiction}/matrix', { params: { path: { jurisdiction } }, body: { cameraId: cameraId!, ...draft } }))) as unknown as {
          matrix: PolicyMatrix;
        }
      ).matrix,
  });
}
