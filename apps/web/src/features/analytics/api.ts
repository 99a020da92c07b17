import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, authorizedFetch, ApiError, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';
import type { Bucket } from './counts';

export type AnalyticsCamera = Schemas['AnalyticsCameraDto'];
export type AnalyticsConfig = Schemas['AnalyticsConfigDto'];

/** Cameras whose counts the user may see or whose analytics they may configure (asked first, so nothing refused is requested). */
export function useAnalyticsCameras() {
  return useQuery({ queryKey: ['analytics', 'cameras'], queryFn: () => unwrap(api.GET('/api/v1/analytics/cameras')), staleTime: 60_000 });
}

/** Whether any camera whose counts the user may see is counting (else there is nothing to stream). */
export function useAnyCounting(cameraId?: string): boolean {
  return !!useAnalyticsCameras().data?.some((c) => c.view && c.enabled && (!cameraId || c.cameraId === cameraId));
}

export { useCameras } from '../../api/data';

/** A range ending now: the last `minutes`, in buckets of `bucket`. */
export function rangeEndingNow(minutes: number): { from: string; to: string } {
  const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
  return { from: new Date(to.getTime() - minutes * 60_000).toISOString(), to: to.toISOString() };
}

export function useSeries(cameraId: string | undefined, minutes: number, bucket: Bucket) {
  return useQuery({
    queryKey: ['analytics', 'series', cameraId, minutes, bucket],
    enabled: !!cameraId,
    queryFn: () => unwrap(api.GET('/api/v1/analytics/cameras/{id}/series', { params: { path: { id: cameraId! }, query: { ...rangeEndingNow(minutes), bucket } } })),
    refetchInterval: 60_000,
  });
}

export function useAreaSeries(incidentId: string | undefined, minutes: number, bucket: Bucket) {
  return useQuery({
    queryKey: ['analytics', 'area', incidentId, minutes, bucket],
    enabled: !!incidentId,
    queryFn: () => unwrap(api.GET('/api/v1/analytics/area', { params: { query: { incidentId: incidentId!, ...rangeEndingNow(minutes), bucket } } })),
    refetchInterval: 60_000,
  });
}

export function useConfig(cameraId: string | undefined) {
  return useQuery({
    queryKey: ['analytics', 'config', cameraId],
    enabled: !!cameraId,
    queryFn: () => unwrap(api.GET('/api/v1/analytics/cameras/{id}/config', { params: { path: { id: cameraId! } } })),
  });
}

export function useSaveConfig(cameraId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AnalyticsConfig) => unwrap(api.PUT('/api/v1/analytics/cameras/{id}/config', { params: { path: { id: cameraId } }, body })),
    onSuccess: (saved) => {
      qc.setQueryData(['analytics', 'config', cameraId], saved);
      void qc.invalidateQueries({ queryKey: ['analytics', 'cameras'] });
    },
  });
}

export function useAlerts(state: 'open' | 'all') {
  return useQuery({
    queryKey: ['analytics', 'alerts', state],
    queryFn: () => unwrap(api.GET('/api/v1/analytics/alerts', { params: { query: { state } } })),
    refetchInterval: 30_000,
  });
}

export function useAcknowledge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/analytics/alerts/{id}/acknowledge', { params: { path: { id } } })),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['analytics', 'alerts'] }),
  });
}

/** Downloads the CSV export of a camera's series (a plain link cannot carry the access token). */
export async function downloadCsv(cameraId: string, minutes: number, bucket: Bucket, fileName: string): Promise<void> {
  const q = new URLSearchParams({ ...rangeEndingNow(minutes), bucket });
  const res = await authorizedFetch(`/api/v1/analytics/cameras/${encodeURIComponent(cameraId)}/series.csv?${q}`);
  if (!res.ok) throw await ApiError.from(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The still the zone editor draws on (owner's administrators only), as an object URL; null when none is recorded. */
export function useStill(cameraId: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['analytics', 'still', cameraId],
    enabled: !!cameraId && enabled,
    staleTime: Infinity,
    retry: false,
    queryFn: async (): Promise<string | null> => {
      const res = await authorizedFetch(`/api/v1/analytics/cameras/${encodeURIComponent(cameraId!)}/still?width=960`);
      if (res.status === 204) return null;
      if (!res.ok) throw await ApiError.from(res);
      return URL.createObjectURL(await res.blob());
    },
  });
}
