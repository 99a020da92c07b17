import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { openEventStream } from '../../api/event-stream';
import type { Schemas } from '../../api/types';

export type ClipRequest = Schemas['ClipRequestDto'];
export type ClipCheck = Schemas['ClipRequestCheckDto'];
export type CreateClipRequest = Schemas['CreateClipRequestDto'];
export type RecordingRanges = Schemas['RecordingRangesDto'];
export type CameraInfo = Schemas['CameraDto'];

export const PURPOSES = ['criminal-investigation', 'emergency-response', 'accident-investigation', 'missing-person', 'infrastructure-damage', 'legal-claim', 'other'] as const;
/** States after which a request changes no more (except a legal hold). */
export const FINAL = new Set(['rejected', 'cancelled', 'ready', 'failed', 'expired']);

export function useCameras() {
  return useQuery({ queryKey: ['cameras'], queryFn: () => unwrap(api.GET('/api/v1/cameras')), staleTime: 60_000 });
}

export function useMyRequests() {
  return useQuery({ queryKey: ['clip-requests', 'mine'], queryFn: () => unwrap(api.GET('/api/v1/clip-requests')) });
}

/**
 * Follows a request's server-sent events (fetch, since EventSource cannot send the access token)
 * while it can still change, and writes each new state into the cached lists.
 */
export function useClipEvents(r: ClipRequest) {
  const qc = useQueryClient();
  const live = !FINAL.has(r.state);
  useEffect(() => {
    if (!live) return;
    const stream = openEventStream(`/api/v1/clip-requests/${r.id}/events`, (e) => {
      const next = e.data as ClipRequest;
      for (const key of [
        ['clip-requests', 'mine'],
        ['clip-requests', 'queue'],
      ]) {
        qc.setQueriesData<ClipRequest[]>({ queryKey: key }, (list) => list?.map((x) => (x.id === next.id ? next : x)));
      }
    });
    return () => stream.close();
  }, [r.id, live, qc]);
}

/** An ISO time as the value of <input type="datetime-local" step="1"> in the browser's time zone. */
export function toLocalInput(iso: string | number | Date): string {
  const d = new Date(iso);
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 19);
}

export function fromLocalInput(v: string): Date | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
