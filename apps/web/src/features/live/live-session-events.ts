import { useEffect } from 'react';
import { openEventStream } from '../../api/event-stream';
import type { LiveSessionEvent } from '../../api/types';

type Listener = (e: LiveSessionEvent) => void;
const listeners = new Map<string, Set<Listener>>();
let stream: { close(): void } | undefined;

/**
 * The user's live sessions as the gateway changes them (GET /api/v1/live/events): one stream for the
 * whole wall, open while a tile listens, reopened when the server ends it (every few minutes) or the
 * network drops.
 */
function dispatch(e: { data: unknown }): void {
  const ev = e.data as LiveSessionEvent;
  for (const l of listeners.get(ev.sessionId) ?? []) l(ev);
}

/** Calls `onEvent` for every change of the session while the component is mounted. */
export function useLiveSessionEvents(sessionId: string | null, onEvent: Listener): void {
  useEffect(() => {
    if (!sessionId) return;
    const set = listeners.get(sessionId) ?? new Set();
    set.add(onEvent);
    listeners.set(sessionId, set);
    stream ??= openEventStream('/api/v1/live/events', dispatch, undefined, 2000);
    return () => {
      set.delete(onEvent);
      if (set.size === 0) listeners.delete(sessionId);
      if (listeners.size === 0) {
        stream?.close();
        stream = undefined;
      }
    };
  }, [sessionId, onEvent]);
}
