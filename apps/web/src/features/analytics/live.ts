import { useSyncExternalStore } from 'react';
import { openEventStream } from '../../api/event-stream';
import type { AnalyticsAlert, ShownCount } from './counts';

/** The latest counts of one camera as GET /api/v1/analytics/live sends them (small counts as "<N"). */
export interface LiveCounts {
  cameraId: string;
  at: string;
  minCount: number;
  zones: { targetId: string; cls: string; count: ShownCount }[];
  crossings: { targetId: string; cls: string; direction: 'forward' | 'backward'; count: ShownCount }[];
}

interface LiveState {
  connected: boolean;
  counts: ReadonlyMap<string, LiveCounts>;
  /** Alerts raised since the stream opened, newest first. */
  alerts: readonly AnalyticsAlert[];
}

/**
 * One stream of live counts and alerts for the whole app (the map, a camera's page and the alert
 * list share it): opened by the first component that needs it, closed shortly after the last leaves.
 */
let state: LiveState = { connected: false, counts: new Map(), alerts: [] };
const listeners = new Set<() => void>();
let stream: { close(): void } | undefined;
let closing: ReturnType<typeof setTimeout> | undefined;

function set(next: Partial<LiveState>): void {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  clearTimeout(closing);
  stream ??= openEventStream(
    '/api/v1/analytics/live',
    (e) => {
      if (e.type === 'counts') {
        const c = e.data as LiveCounts;
        const prev = state.counts.get(c.cameraId);
        if (prev && prev.at > c.at) return;
        set({ counts: new Map(state.counts).set(c.cameraId, c) });
      } else if (e.type === 'alert') {
        set({ alerts: [e.data as AnalyticsAlert, ...state.alerts].slice(0, 100) });
      }
    },
    (connected) => set({ connected }),
  );
  return () => {
    listeners.delete(listener);
    if (!listeners.size) {
      closing = setTimeout(() => {
        stream?.close();
        stream = undefined;
        state = { connected: false, counts: new Map(), alerts: [] };
      }, 5000);
    }
  };
}

const idle = () => () => undefined;

/**
 * The live counts and alerts. `active` false (no camera of the user counts) opens no stream: an
 * open stream costs a connection and keeps the page from ever being idle.
 */
export function useLive(active = true): LiveState {
  return useSyncExternalStore(active ? subscribe : idle, () => state);
}
