/**
 * A WHEP (RFC 9725) viewer with the browser's own RTCPeerConnection: one offer with every ICE
 * candidate (the media node does not take trickle ICE), the answer, and the session URL for grant
 * renewal (PUT {session}/grant) and the end (DELETE).
 */
export interface WhepConnection {
  pc: RTCPeerConnection;
  /** Absolute URL of the session resource on the media node. */
  location: string;
  stream: MediaStream;
  close(grant: string): void;
}

export class WhepError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function errorOf(res: Response): Promise<WhepError> {
  const body = (await res.json().catch(() => null)) as { code?: string; message?: string; error?: { code?: string; message?: string } } | null;
  const e = body?.error ?? body;
  return new WhepError(res.status, e?.code ?? 'whep_failed', e?.message ?? `HTTP ${res.status}`);
}

export async function whepConnect(url: string, grant: string, form: 'anonymized' | 'raw', onTrack: (s: MediaStream) => void): Promise<WhepConnection> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  const stream = new MediaStream();
  pc.ontrack = (e) => {
    stream.addTrack(e.track);
    onTrack(e.streams[0] ?? stream);
  };
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const done = () => pc.iceGatheringState === 'complete' && resolve();
      pc.addEventListener('icegatheringstatechange', done);
      // Loopback and host candidates come at once; do not wait for servers that are not there.
      setTimeout(resolve, 1000);
    });
    const res = await fetch(`${url}?form=${form}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${grant}` },
      body: pc.localDescription!.sdp,
    });
    if (res.status !== 201) throw await errorOf(res);
    const location = new URL(res.headers.get('Location') ?? '', url).toString();
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    return {
      pc,
      location,
      stream,
      close(g: string) {
        pc.close();
        void fetch(location, { method: 'DELETE', headers: { Authorization: `Bearer ${g}` }, keepalive: true }).catch(() => undefined);
      },
    };
  } catch (e) {
    pc.close();
    throw e;
  }
}

/** Hands the media node the renewed grant; answers the form it now serves. */
export async function whepRenew(location: string, grant: string): Promise<{ form: 'anonymized' | 'raw'; endsAt: string }> {
  const res = await fetch(`${location}/grant`, { method: 'PUT', headers: { Authorization: `Bearer ${grant}` } });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as { form: 'anonymized' | 'raw'; endsAt: string };
}
