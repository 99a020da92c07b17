import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useFormat } from '../../i18n/format';
import { useCameras } from './model';
import { Timeline, Previews } from './Timeline';
import { RequestForm } from './RequestForm';
import { MyRequests } from './MyRequests';
import './clips.css';

/** How far back the timeline looks. */
const WINDOWS = [1, 6, 24, 24 * 7] as const;

/**
 * Recordings and clip requests: a camera's recordings as a timeline (gaps visible), anonymized stills
 * to choose a range, the request form with the rules' answer before sending, and one's own requests.
 */
export default function ClipsPage() {
  const { t } = useTranslation('clips');
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const cameraId = params.get('camera') ?? '';
  const cameras = useCameras();
  const [hours, setHours] = useState<number>(1);
  const [range, setRange] = useState<{ from: Date; to: Date } | null>(null);
  // "now" is fixed per window choice, so the query key stays stable between renders.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setRange(null), [cameraId]);
  const span = useMemo(() => ({ from: new Date(now - hours * 3600_000), to: new Date(now) }), [now, hours]);
  const recordings = useQuery({
    queryKey: ['recordings', cameraId, span.from.toISOString(), span.to.toISOString()],
    enabled: !!cameraId,
    queryFn: () => unwrap(api.GET('/api/v1/cameras/{id}/recordings', { params: { path: { id: cameraId }, query: { from: span.from.toISOString(), to: span.to.toISOString() } } })),
  });
  const camera = cameras.data?.find((c) => c.id === cameraId);

  return (
    <div className="page clips">
      <h1>{t('title')}</h1>
      <section className="panel" aria-labelledby="rec-heading">
        <h2 id="rec-heading">{t('recordings.heading')}</h2>
        <div className="row">
          <label>
            {t('recordings.camera')}
            <select value={cameraId} onChange={(e) => setParams(e.target.value ? { camera: e.target.value } : {})} data-testid="camera">
              <option value="">{t('recordings.chooseCamera')}</option>
              {cameras.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.jurisdiction})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('recordings.window')}
            <select
              value={hours}
              onChange={(e) => {
                setHours(Number(e.target.value));
                setNow(Date.now());
              }}
              data-testid="window"
            >
              {WINDOWS.map((h) => (
                <option key={h} value={h}>
                  {t(`recordings.windows.${h}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" onClick={() => setNow(Date.now())} disabled={!cameraId} data-testid="refresh">
            {t('recordings.refresh')}
          </button>
        </div>
        {cameras.error && <ErrorBox error={cameras.error} />}
        {!cameraId && <p className="muted">{t('recordings.pick')}</p>}
        {cameraId && recordings.isPending && <Spinner />}
        {recordings.error && <ErrorBox error={recordings.error} />}
        {recordings.data && (
          <>
            <Timeline data={recordings.data} selected={range} onPick={setRange} />
            <p className="muted">
              {t('recordings.retainedFrom', { time: f.dateTime(recordings.data.retainedFrom) })} ·{' '}
              {t('recordings.counts', { ranges: recordings.data.ranges.length, gaps: recordings.data.gaps.length })}
            </p>
            {range && <Previews cameraId={cameraId} range={range} />}
          </>
        )}
      </section>
      {camera && recordings.data?.actions.includes('clip.request') && <RequestForm camera={camera} range={range} onRange={setRange} />}
      {camera && recordings.data && !recordings.data.actions.includes('clip.request') && <p className="muted">{t('form.notAllowed')}</p>}
      <MyRequests cameras={cameras.data ?? []} />
    </div>
  );
}
