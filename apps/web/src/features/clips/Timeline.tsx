import { useEffect, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { authorizedFetch } from '../../api/client';
import { useFormat } from '../../i18n/format';
import type { RecordingRanges } from './model';

/** Length of the range a click on the timeline proposes. */
const PICK_SEC = 60;
const PREVIEWS = 4;

/**
 * The window as a bar: recorded ranges (buttons: a click picks a minute from that point, Enter the
 * range's last minute) and the gaps between them; the chosen range is outlined.
 */
export function Timeline({ data, selected, onPick }: { data: RecordingRanges; selected: { from: Date; to: Date } | null; onPick: (r: { from: Date; to: Date }) => void }) {
  const { t } = useTranslation('clips');
  const f = useFormat();
  const start = new Date(data.from).getTime();
  const end = new Date(data.to).getTime();
  const pct = (ms: number) => `${(Math.min(Math.max(ms - start, 0), end - start) / (end - start)) * 100}%`;
  const width = (a: number, b: number) => `${Math.max(0.3, ((Math.min(b, end) - Math.max(a, start)) / (end - start)) * 100)}%`;
  const pick = (from: number, to: number, rangeStart: number, rangeEnd: number) => {
    const a = Math.max(rangeStart, Math.min(from, rangeEnd - 1000));
    onPick({ from: new Date(Math.ceil(a / 1000) * 1000), to: new Date(Math.floor(Math.min(to, rangeEnd) / 1000) * 1000) });
  };
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-bar">
        {data.gaps.map((g) => (
          <div
            key={`g${g.from}`}
            className="tl-gap"
            style={{ left: pct(new Date(g.from).getTime()), width: width(new Date(g.from).getTime(), new Date(g.to).getTime()) }}
            title={t('timeline.gap', { from: f.time(g.from), to: f.time(g.to) })}
            data-testid="gap"
          />
        ))}
        {data.ranges.map((r) => {
          const a = new Date(r.from).getTime();
          const b = new Date(r.to).getTime();
          const label = t('timeline.recorded', { from: f.time(a), to: f.time(b) });
          const onClick = (e: MouseEvent<HTMLButtonElement>) => {
            const box = e.currentTarget.getBoundingClientRect();
            // A keyboard "click" has no position: the last minute of the range.
            if (e.detail === 0 || !box.width) return pick(b - PICK_SEC * 1000, b, a, b);
            const at = a + ((e.clientX - box.left) / box.width) * (b - a);
            pick(at, at + PICK_SEC * 1000, a, b);
          };
          return (
            <button
              type="button"
              key={`r${r.from}`}
              className="tl-range"
              style={{ left: pct(a), width: width(a, b) }}
              aria-label={label}
              title={label}
              onClick={onClick}
              data-testid="range"
            />
          );
        })}
        {selected && (
          <div className="tl-selected" style={{ left: pct(selected.from.getTime()), width: width(selected.from.getTime(), selected.to.getTime()) }} aria-hidden="true" />
        )}
      </div>
      <div className="timeline-axis" aria-hidden="true">
        <span>{f.dateTime(start)}</span>
        <span>{f.dateTime((start + end) / 2)}</span>
        <span>{f.dateTime(end)}</span>
      </div>
      <p className="legend">
        <span className="swatch rec" aria-hidden="true" /> {t('timeline.legendRecorded')} <span className="swatch gap" aria-hidden="true" /> {t('timeline.legendGap')}
      </p>
    </div>
  );
}

/** Anonymized stills across the chosen range (always anonymized, whatever the viewer may see live). */
export function Previews({ cameraId, range }: { cameraId: string; range: { from: Date; to: Date } }) {
  const { t } = useTranslation('clips');
  const f = useFormat();
  const times = Array.from({ length: PREVIEWS }, (_, i) => new Date(range.from.getTime() + ((range.to.getTime() - range.from.getTime() - 1000) * i) / (PREVIEWS - 1)));
  return (
    <div>
      <h3>{t('previews.heading')}</h3>
      <ul className="previews" data-testid="previews">
        {times.map((at) => (
          <li key={at.toISOString()}>
            <Still cameraId={cameraId} at={at} alt={t('previews.alt', { time: f.time(at) })} />
            <span>{f.time(at)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Why a still is missing: nothing recorded or decodable there (400, 404), or the media node did not answer (503, other). */
type StillFailure = 'none' | 'unavailable';

function Still({ cameraId, at, alt }: { cameraId: string; at: Date; alt: string }) {
  const { t } = useTranslation('clips');
  const [src, setSrc] = useState<string | null>(null);
  const [failure, setFailure] = useState<StillFailure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const iso = at.toISOString();
  useEffect(() => {
    let url: string | null = null;
    let gone = false;
    setSrc(null);
    setFailure(null);
    void authorizedFetch(`/api/v1/cameras/${cameraId}/recordings/still?at=${encodeURIComponent(iso)}&width=320`)
      .then(async (res) => {
        if (!res.ok) throw new Error(res.status === 400 || res.status === 404 ? 'none' : 'unavailable');
        url = URL.createObjectURL(await res.blob());
        if (!gone) setSrc(url);
      })
      .catch((e: Error) => !gone && setFailure(e.message === 'none' ? 'none' : 'unavailable'));
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [cameraId, iso, attempt]);
  if (failure === 'none')
    return (
      <div className="still failed" data-testid="still-failed" data-failure="none">
        {t('previews.none')}
      </div>
    );
  if (failure)
    return (
      <div className="still failed" data-testid="still-failed" data-failure="unavailable">
        <span>{t('previews.unavailable')}</span>
        <button type="button" className="small secondary" onClick={() => setAttempt((n) => n + 1)}>
          {t('previews.retry')}
        </button>
      </div>
    );
  if (!src) return <div className="still loading" aria-busy="true" />;
  return <img className="still" src={src} alt={alt} width={320} data-testid="still" />;
}
