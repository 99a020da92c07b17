import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, authorizedFetch, unwrap } from '../../api/client';
import type { Schemas } from '../../api/types';

export type ClipRequest = Schemas['ClipRequestDto'];
export type ClipCheck = Schemas['ClipCheckDto'];
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
    const abort = new AbortController();
    const put = (next: ClipRequest) => {
      for (const key of [['clip-requests', 'mine'], ['clip-requests', 'queue']]) {
        qc.setQueriesData<ClipRequest[]>({ queryKey: key }, (list) => list?.map((x) => (x.id === next.id ? next : x)));
      }
    };
    void (async () => {
      try {
        const res = await authorizedFetch(`/api/v1/clip-requests/${r.id}/events`, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
        if (!res.ok || !res.body) return;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const data = buf.slice(0, i).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
            buf = buf.slice(i + 2);
            if (data) put(JSON.parse(data) as ClipRequest);
          }
        }
      } catch {
        // Aborted (unmounted) or the connection dropped: the list's own refresh catches up.
      }
    })();
    return () => abort.abort();
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
