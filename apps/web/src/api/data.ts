import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { Camera, CameraAccess, Incident, Organisation } from './types';

/** Cameras the user sees (own and partners'), refreshed so states (online, offline, error) stay current. */
export function useCameras() {
  return useQuery({ queryKey: ['cameras'], queryFn: (): Promise<Camera[]> => unwrap(api.GET('/api/v1/cameras')), refetchInterval: 10_000 });
}

/** What the user may watch on each camera now (raw, anonymized, clip only, nothing). */
export function useCameraAccess() {
  return useQuery({
    queryKey: ['live-access'],
    queryFn: async (): Promise<Map<string, CameraAccess>> => new Map((await unwrap(api.GET('/api/v1/live/cameras'))).map((a) => [a.cameraId, a])),
    refetchInterval: 10_000,
  });
}

export function useIncidents(state: 'open' | 'all' = 'open') {
  return useQuery({
    queryKey: ['incidents', state],
    queryFn: (): Promise<Incident[]> => unwrap(api.GET('/api/v1/incidents', { params: { query: { state } } })),
    refetchInterval: 5_000,
  });
}

export function useOrganisations() {
  return useQuery({
    queryKey: ['organisations'],
    queryFn: async (): Promise<Map<string, Organisation>> => new Map((await unwrap(api.GET('/api/v1/organisations'))).map((o) => [o.id, o])),
    staleTime: 5 * 60_000,
  });
}
