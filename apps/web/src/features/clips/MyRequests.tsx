import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { fetchFile, saveBlob } from '../../shared/download';
import { useFormat } from '../../i18n/format';
import { useClipEvents, useMyRequests, type CameraInfo, type ClipRequest } from './model';

const DAY_MS = 86_400_000;

/** One's own requests, newest first, with live progress while exporting and the download once ready. */
export function MyRequests({ cameras }: { cameras: CameraInfo[] }) {
  const { t } = useTranslation('clips');
  const mine = useMyRequests();
  return (
    <section className="panel" aria-labelledby="mine-heading">
      <h2 id="mine-heading">{t('mine.heading')}</h2>
      {mine.isPending && <Spinner />}
      {mine.error && <ErrorBox error={mine.error} />}
      {mine.data?.length === 0 && <p className="muted">{t('mine.none')}</p>}
      <ul className="requests" data-testid="my-requests">
        {mine.data?.map((r) => (
          <RequestCard key={r.id} r={r} camera={cameras.find((c) => c.id === r.cameraId)?.name ?? r.cameraId} />
        ))}
      </ul>
    </section>
  );
}

function RequestCard({ r, camera }: { r: ClipRequest; camera: string }) {
  const { t } = useTranslation('clips');
  const f = useFormat();
  useClipEvents(r);
  return (
    <li className="request" data-testid="request" data-id={r.id} data-state={r.state}>
      <div className="request-head">
        <strong>{camera}</strong>
        <span className={`badge state-${r.state}`} data-testid="state">
          {t(`state.${r.state}`)}
        </span>
        <span className={`badge ${r.form}`}>{t(`forms.${r.form}`)}</span>
        {r.legalHold && <span className="badge hold">{t('mine.legalHold')}</span>}
      </div>
      <p>
        {f.dateTime(r.from)} – {f.time(r.to)} · {t(`purposes.${r.purpose}`)}
        {r.caseReference && <> · {t('mine.case', { ref: r.caseReference })}</>}
      </p>
      {r.decision && (
        <p className="muted">
          {t('mine.decided', { time: f.dateTime(r.decision.at) })} <span translate="no">{r.decision.by}</span>: {r.decision.reason}
        </p>
      )}
      {(r.state === 'approved' || r.state === 'exporting') && (
        <div className="progress-row">
          <progress max={100} value={r.percent} aria-label={t('mine.progress')} data-testid="progress" />
          <span>{f.number(r.percent, 1)} %</span>
          {r.etaSec !== null && r.etaSec !== undefined && <span data-testid="eta">{t('mine.timeLeft', { time: f.duration(r.etaSec * 1000) })}</span>}
        </div>
      )}
      {r.state === 'failed' && r.error && <p className="error-text">{r.error}</p>}
      {r.state === 'ready' && <Ready r={r} />}
    </li>
  );
}

function Ready({ r }: { r: ClipRequest }) {
  const { t } = useTranslation('clips');
  const f = useFormat();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [verified, setVerified] = useState<boolean | null>(null);
  const daysLeft = r.expiresAt ? Math.max(0, Math.ceil((new Date(r.expiresAt).getTime() - Date.now()) / DAY_MS)) : null;
  const download = async (url: string, check: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const file = await fetchFile(url);
      if (check) setVerified(file.sha256 === r.sha256);
      saveBlob(file.blob, check ? `borderlens-clip-${r.id}.mp4` : `borderlens-clip-${r.id}.manifest.json`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="ready">
      <p>
        {t('mine.sha256')}{' '}
        <code translate="no" data-testid="sha256">
          {r.sha256}
        </code>
        {r.bytes !== null && r.bytes !== undefined && (
          <> · {r.bytes >= 1e6 ? t('mine.size', { mb: f.number(r.bytes / 1e6, 1) }) : t('mine.sizeKb', { kb: f.number(Math.max(1, r.bytes / 1e3)) })}</>
        )}
      </p>
      <p data-testid="expiry">{r.legalHold ? t('mine.heldNoExpiry') : daysLeft !== null && t('mine.daysLeft', { days: daysLeft, date: f.dateTime(r.expiresAt!) })}</p>
      <div className="row">
        {r.downloadUrl && (
          <button type="button" disabled={busy} onClick={() => void download(r.downloadUrl!, true)} data-testid="download">
            {t('mine.download')}
          </button>
        )}
        {r.manifestUrl && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void download(r.manifestUrl!, false)} data-testid="manifest">
            {t('mine.manifest')}
          </button>
        )}
      </div>
      {verified !== null && (
        <p className={verified ? 'ok' : 'error-text'} role="status" data-testid="verified">
          {verified ? t('mine.hashMatches') : t('mine.hashDiffers')}
        </p>
      )}
      {error !== null && <ErrorBox error={error} />}
    </div>
  );
}
