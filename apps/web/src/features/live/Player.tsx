import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../../api/client';
import { errorText } from '../../shared/error-text';
import { useIncidents } from '../../api/data';
import type { LiveSession, LiveSessionEvent } from '../../api/types';
import { formatDuration } from '../../i18n/format';
import { useLiveSessionEvents } from './live-session-events';
import { whepConnect, whepPrepare, whepRenew, WhepError, type WhepOffer, type WhepConnection } from './whep';

export type Form = 'anonymized' | 'raw';
type Phase = 'opening' | 'connecting' | 'playing' | 'switching' | 'denied' | 'purpose' | 'ended' | 'error';

interface Props {
  cameraId: string;
  form: Form;
  /** The user asks for another form (e.g. anonymized after raw was refused). */
  onForm: (f: Form) => void;
  /** The form the media node serves now (the session's, then each renewal's or downgrade's). */
  onServed?: (f: Form) => void;
}

/** Milliseconds after the media node confirmed a switch before a presented frame is trusted to be of the new form (frames in flight). */
const SWITCH_SETTLE_MS = 300;

/**
 * One live tile's video: asks the gateway for a session (the policies decide), plays the media
 * node's WHEP stream, renews the grant before it expires (gateway renew, then PUT {session}/grant),
 * and follows the gateway's changes (downgrade, end) from the session event stream. After a
 * downgrade the picture stays hidden until a frame presented after the media node switched, so the
 * last raw frame is never left on screen.
 */
export function Player({ cameraId, form, onForm, onServed }: Props) {
  const { t, i18n } = useTranslation('live');
  const video = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<Phase>('opening');
  const [session, setSession] = useState<LiveSession | null>(null);
  const [error, setError] = useState<{ message: string; reasons: string[] } | null>(null);
  const [purpose, setPurpose] = useState('');
  const [attempt, setAttempt] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const whep = useRef<WhepConnection | null>(null);
  const current = useRef<LiveSession | null>(null);
  /** Frames presented before this time (performance.now()) are not shown. */
  const hiddenUntil = useRef<number>(Infinity);
  const renewTimer = useRef<number | undefined>(undefined);
  const phaseRef = useRef<Phase>('opening');
  const setP = (p: Phase) => {
    phaseRef.current = p;
    setPhase(p);
  };

  const stop = useCallback((p: Phase, message?: string, reasons: string[] = []) => {
    window.clearTimeout(renewTimer.current);
    const s = current.current;
    if (whep.current && s) whep.current.close(s.grant);
    whep.current = null;
    if (video.current) video.current.srcObject = null;
    if (message !== undefined) setError({ message, reasons });
    setP(p);
  }, []);

  /** Renews the grant at the gateway and hands it to the media node; returns the form now served. */
  const renew = useCallback(async (): Promise<void> => {
    const s = current.current;
    if (!s || !whep.current) return;
    try {
      const next = await unwrap(api.POST('/api/v1/cameras/{id}/sessions/{sessionId}/renew', { params: { path: { id: cameraId, sessionId: s.sessionId } } }));
      const served = await whepRenew(whep.current.location, next.grant);
      current.current = { ...next, form: served.form };
      setSession(current.current);
      if (s.form === 'raw' && served.form === 'anonymized') switched(t('downgraded'));
      schedule(next.renewAfterSec);
    } catch (e) {
      if (e instanceof ApiError) stop('ended', errorText(e, i18n), e.reasons);
      else if (e instanceof WhepError) stop('ended', e.message);
      else schedule(5); // network: try again soon, the grant has time left
    }
  }, [cameraId, stop, t, i18n]);

  const schedule = (sec: number) => {
    window.clearTimeout(renewTimer.current);
    renewTimer.current = window.setTimeout(() => void renew(), Math.max(1, sec) * 1000);
  };

  /** The media node now serves another form: hide the picture until a frame of it is presented. */
  const switched = (why: string) => {
    hiddenUntil.current = performance.now() + SWITCH_SETTLE_MS;
    setNotice(why);
    setP('switching');
  };

  // Downgrades and ends decided by the gateway (incident over, policy changed), within seconds.
  const onEvent = useCallback(
    (ev: LiveSessionEvent) => {
      const s = current.current;
      if (!s || ev.sessionId !== s.sessionId) return;
      if (ev.state === 'ended') {
        stop('ended', ev.endReason ?? t('endedByServer'));
        return;
      }
      if (s.form === 'raw' && ev.form === 'anonymized' && phaseRef.current !== 'switching') {
        // Hide at once; renewing now makes the media node confirm the switch (PUT answers its form).
        hiddenUntil.current = Infinity;
        setNotice(t('downgraded'));
        setP('switching');
        void renew();
      }
    },
    [renew, stop, t],
  );
  useLiveSessionEvents(session?.sessionId ?? null, onEvent);

  const servedForm = session?.form;
  useEffect(() => {
    if (servedForm) onServed?.(servedForm);
  }, [servedForm]);

  useEffect(() => {
    let cancelled = false;
    const v = video.current!;
    hiddenUntil.current = Infinity;
    setError(null);
    setNotice(null);
    setP('opening');
    // The offer is prepared while the gateway decides: the decision and ICE gathering overlap.
    let offer: WhepOffer | null = whepPrepare((stream) => {
      if (v.srcObject !== stream) v.srcObject = stream;
    });
    const dropOffer = () => {
      offer?.pc.close();
      offer = null;
    };
    performance.mark('bl:tile', { detail: cameraId });
    markTimes(offer.pc, cameraId);
    void offer.sdp.then(
      () => performance.mark('bl:offer', { detail: cameraId }),
      () => undefined,
    );
    (async () => {
      let s: LiveSession;
      try {
        s = await unwrap(api.POST('/api/v1/cameras/{id}/sessions', { params: { path: { id: cameraId } }, body: { form, ...(purpose ? { purpose } : {}) } }));
      } catch (e) {
        dropOffer();
        if (cancelled) return;
        if (e instanceof ApiError && e.code === 'purpose_required') return setP('purpose');
        if (e instanceof ApiError) return stop(e.status === 403 ? 'denied' : 'error', errorText(e, i18n), e.reasons);
        return stop('error', (e as Error).message);
      }
      if (cancelled) {
        dropOffer();
        void api.DELETE('/api/v1/cameras/{id}/sessions/{sessionId}', { params: { path: { id: cameraId, sessionId: s.sessionId } } });
        return;
      }
      current.current = s;
      setSession(s);
      setP('connecting');
      performance.mark('bl:session', { detail: cameraId });
      try {
        const prepared = offer!;
        offer = null;
        const w = await whepConnect(prepared, s.whepUrl, s.grant, s.form);
        if (cancelled) return w.close(s.grant);
        performance.mark('bl:whep', { detail: cameraId });
        whep.current = w;
        hiddenUntil.current = 0;
        w.pc.addEventListener('connectionstatechange', () => {
          if (w.pc.connectionState === 'failed') stop('error', t('connectionLost'));
        });
        schedule(s.renewAfterSec);
      } catch (e) {
        if (!cancelled) stop('error', (e as Error).message);
      }
    })();
    return () => {
      cancelled = true;
      dropOffer();
      const s = current.current;
      window.clearTimeout(renewTimer.current);
      if (whep.current && s) whep.current.close(s.grant);
      whep.current = null;
      if (s) void api.DELETE('/api/v1/cameras/{id}/sessions/{sessionId}', { params: { path: { id: cameraId, sessionId: s.sessionId } } }).catch(() => undefined);
      current.current = null;
      setSession(null);
    };
  }, [cameraId, form, attempt]);

  // Every presented frame: counts it (tests, bench) and reveals the picture once frames of the current form arrive.
  useEffect(() => {
    const v = video.current!;
    let handle = 0;
    const step = (now: number) => {
      const n = Number(v.dataset.frames ?? 0) + 1;
      v.dataset.frames = String(n);
      if (!v.dataset.firstFrameAt) {
        v.dataset.firstFrameAt = String(Math.round(performance.now()));
        performance.mark('bl:first-frame', { detail: v.closest('[data-camera-id]')?.getAttribute('data-camera-id') });
      }
      if (now >= hiddenUntil.current && (phaseRef.current === 'connecting' || phaseRef.current === 'switching')) {
        setP('playing');
        v.dataset.shownAt = String(Math.round(performance.now()));
      }
      handle = v.requestVideoFrameCallback(step);
    };
    handle = v.requestVideoFrameCallback(step);
    return () => v.cancelVideoFrameCallback(handle);
  }, []);

  const hidden = phase !== 'playing';
  return (
    <div className="player" data-phase={phase} data-form={session?.form ?? form} data-session-id={session?.sessionId ?? ''} data-expires-at={session?.expiresAt ?? ''}>
      <video ref={video} muted autoPlay playsInline aria-label={t('videoLabel')} />
      {/* An opaque cover rather than a hidden <video>: Chromium presents no frames to an invisible video element. */}
      {hidden && <div className="cover" data-testid="cover" />}
      {session && (phase === 'playing' || phase === 'switching' || phase === 'connecting') && <FormBadge session={session} />}
      {(phase === 'opening' || phase === 'connecting') && <p className="player-msg">{t('connecting')}</p>}
      {phase === 'switching' && <p className="player-msg">{notice}</p>}
      {phase === 'playing' && notice && (
        <p className="player-notice" role="status">
          {notice}
        </p>
      )}
      {phase === 'purpose' && (
        <form
          className="player-msg purpose"
          onSubmit={(e) => {
            e.preventDefault();
            setAttempt((a) => a + 1);
          }}
        >
          <label>
            {t('purposeNeeded')}
            <input value={purpose} onChange={(e) => setPurpose(e.target.value)} required maxLength={500} data-testid="purpose" />
          </label>
          <button type="submit">{t('start')}</button>
        </form>
      )}
      {(phase === 'denied' || phase === 'ended' || phase === 'error') && error && (
        <div className="player-msg denial" role="alert" data-testid="denial">
          <strong>{t(`phase.${phase}`)}</strong>
          {/* A denial's message is its reasons joined: show them once, as a list. */}
          {error.reasons.length === 0 && <p>{error.message}</p>}
          {error.reasons.length > 0 && (
            <ul className="reasons" data-testid="reasons">
              {error.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
          <div className="row">
            <button type="button" className="small" onClick={() => setAttempt((a) => a + 1)}>
              {t('retry')}
            </button>
            {form === 'raw' && (
              <button type="button" className="small secondary" onClick={() => onForm('anonymized')}>
                {t('watchAnonymized')}
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/**
 * Performance marks of a connection's start (read by npm run bench:web): offer gathered, ICE
 * connected, DTLS done, first RTP packet (the track unmutes), first keyframe decoded.
 */
function markTimes(pc: RTCPeerConnection, cameraId: string): void {
  const mark = (name: string) => performance.mark(`bl:${name}`, { detail: cameraId });
  const once = new Set<string>();
  const first = (name: string) => !once.has(name) && (once.add(name), mark(name));
  pc.addEventListener('iceconnectionstatechange', () => pc.iceConnectionState === 'connected' && first('ice'));
  pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected' && first('connected'));
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && first('gathered'));
  pc.addEventListener('track', (e) => {
    e.track.addEventListener('unmute', () => {
      first('rtp');
      // Until the first keyframe is decoded: cheap, and only while the tile starts.
      const poll = window.setInterval(() => {
        if (pc.connectionState === 'closed') return window.clearInterval(poll);
        void pc.getStats(e.track).then((stats) =>
          stats.forEach((r: { type: string; keyFramesDecoded?: number }) => {
            if (r.type === 'inbound-rtp' && (r.keyFramesDecoded ?? 0) > 0) {
              window.clearInterval(poll);
              first('keyframe');
            }
          }),
        );
      }, 20);
      window.setTimeout(() => window.clearInterval(poll), 10_000);
    });
  });
}

/** ANONYMIZED, or a red RAW with the time left and the incident behind it. */
function FormBadge({ session }: { session: LiveSession }) {
  const { t } = useTranslation('live');
  const incidents = useIncidents('open');
  const [, tick] = useState(0);
  useEffect(() => {
    const i = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(i);
  }, []);
  if (session.form !== 'raw') {
    return (
      <span className="badge anonymized form-badge" data-testid="badge">
        {t('anonymized')}
      </span>
    );
  }
  const behind = (incidents.data ?? []).filter((i) => session.incidentIds.includes(i.id));
  const ends = [session.endsAt, ...behind.map((i) => i.endsAt)].filter((x): x is string => !!x).map((x) => new Date(x).getTime());
  const left = ends.length ? Math.min(...ends) - Date.now() : null;
  return (
    <span className="badge raw form-badge" data-testid="badge">
      {t('raw')}
      {left !== null && <> · {formatDuration(left)}</>}
      {behind.length > 0 && <> · {behind.map((i) => i.title).join(', ')}</>}
    </span>
  );
}
