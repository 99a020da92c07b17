/**
 * A WHEP (RFC 9725) viewer with the browser's own RTCPeerConnection: one offer with every ICE
 * candidate (the media node does not take trickle ICE), the answer, and the session URL for grant
 * renewal (PUT {session}/grant) and the end (DELETE).
 *
 * The offer is made by `whepPrepare` while the gateway decides on the session (nothing flows before
 * the answer, so preparing early reveals nothing), and sent by `whepConnect` with the grant.
 */
export interface WhepConnection {
  pc: RTCPeerConnection;
  /** Absolute URL of the session resource on the media node. */
  location: string;
  stream: MediaStream;
  close(grant: string): void;
}

/** A connection with its offer (all candidates in it), not yet sent. */
export interface WhepOffer {
  pc: RTCPeerConnection;
  stream: MediaStream;
  sdp: Promise<string>;
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

/**
 * How long to wait for ICE gathering to complete, and how long after the last candidate: host
 * candidates come at once, and without STUN or TURN servers nothing else will come.
 */
const GATHER_MAX_MS = 1000;
const GATHER_QUIET_MS = 50;

/** Creates the connection and its offer; `sdp` resolves once the candidates are gathered. */
export function whepPrepare(onTrack: (s: MediaStream) => void): WhepOffer {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  const stream = new MediaStream();
  pc.ontrack = (e) => {
    stream.addTrack(e.track);
    onTrack(e.streams[0] ?? stream);
  };
  const sdp = (async () => {
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      let quiet: number | undefined;
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      pc.addEventListener('icecandidate', (e) => {
        if (!e.candidate) return resolve();
        window.clearTimeout(quiet);
        quiet = window.setTimeout(resolve, GATHER_QUIET_MS);
      });
      window.setTimeout(resolve, GATHER_MAX_MS);
    });
    return pc.localDescription!.sdp;
  })();
  // Read by whepConnect; a connection given up before (a denied session) must not warn.
  sdp.catch(() => undefined);
  return { pc, stream, sdp };
}

/** Sends the prepared offer with the grant; closes the connection when that fails. */
export async function whepConnect(offer: WhepOffer, url: string, grant: string, form: 'anonymized' | 'raw'): Promise<WhepConnection> {
  const { pc, stream } = offer;
  try {
    const res = await fetch(`${url}?form=${form}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${grant}` },
      body: await offer.sdp,
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
