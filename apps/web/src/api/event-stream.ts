import { authorizedFetch } from './client';

export interface SseEvent {
  type: string;
  data: unknown;
}

/**
 * Reads a server-sent event stream with the access token (EventSource cannot send one), and
 * reconnects `retryMs` after it ends or fails, until `close()` is called. Every stream of the app
 * (live sessions, clip requests, analytics) goes through here.
 */
export function openEventStream(path: string, onEvent: (e: SseEvent) => void, onState?: (connected: boolean) => void, retryMs = 3000): { close(): void } {
  let closed = false;
  let ctrl: AbortController | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    ctrl = new AbortController();
    try {
      const res = await authorizedFetch(path, { headers: { accept: 'text/event-stream' }, signal: ctrl.signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onState?.(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          const e = parseBlock(block);
          if (e) onEvent(e);
        }
      }
    } catch {
      // Ended, refused or aborted: try again below unless closed.
    }
    onState?.(false);
    if (!closed) retry = setTimeout(() => void connect(), retryMs);
  };
  void connect();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      ctrl?.abort();
    },
  };
}

/** One event block: `event:` names it (default "message"), `data:` lines are joined and parsed as JSON. */
export function parseBlock(block: string): SseEvent | null {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (!data.length) return null;
  try {
    return { type, data: JSON.parse(data.join('\n')) };
  } catch {
    return { type, data: data.join('\n') };
  }
}
