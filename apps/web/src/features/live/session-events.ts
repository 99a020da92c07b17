import { useEffect } from 'react';
import { authorizedFetch } from '../../api/client';
import type { SessionEvent } from '../../api/types';

type Listener = (e: SessionEvent) => void;
const listeners = new Map<string, Set<Listener>>();
let running = false;

/**
 * The user's live sessions as the gateway changes them (GET /api/v1/live/events, server-sent
 * events): one stream for the whole wall, read with fetch so the access token goes in a header,
 * reopened when the server ends it (every few minutes) or the network drops.
 */
async function run(): Promise<void> {
  running = true;
  while (listeners.size > 0) {
    try {
      const res = await authorizedFetch('/api/v1/live/events', { headers: { Accept: 'text/event-stream' } });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = chunk
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (!data) continue;
          const ev = JSON.parse(data) as SessionEvent;
          for (const l of listeners.get(ev.sessionId) ?? []) l(ev);
        }
        if (listeners.size === 0) {
          await reader.cancel();
          break;
        }
      }
    } catch {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  running = false;
}

/** Calls `onEvent` for every change of the session while the component is mounted. */
export function useSessionEvents(sessionId: string | null, onEvent: Listener): void {
  useEffect(() => {
    if (!sessionId) return;
    const set = listeners.get(sessionId) ?? new Set();
    set.add(onEvent);
    listeners.set(sessionId, set);
    if (!running) void run();
    return () => {
      set.delete(onEvent);
      if (set.size === 0) listeners.delete(sessionId);
    };
  }, [sessionId, onEvent]);
}
