import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useFormat } from '../../i18n/format';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { AlertList } from '../alerts/AlertList';
import { downloadCsv, useAnalyticsCameras, useAnyCounting, useCameras, useConfig, useSeries } from './api';
import { AreaCounts } from './AreaCounts';
import { CameraCounts } from './CameraCounts';
import type { ChartLine } from './Chart';
import { BUCKETS, type Bucket, type Series } from './counts';
import { useLive } from './live';
import { useIncidents } from '../../api/data';

// uPlot comes with the chart only, not with the first screen.
const Chart = lazy(() => import('./Chart'));

const RANGES = [60, 360, 1440, 10080];
const COLORS: Record<string, string> = { person: '#1d4ed8', car: '#b91c1c', bus: '#15803d', truck: '#92400e', motorcycle: '#7c3aed', bicycle: '#0f766e' };

/** Analytics: the cameras whose counts the user may see, and one camera's live counts, charts and CSV export; never a frame. */
export default function AnalyticsPage() {
  const { t } = useTranslation('analytics');
  const { id } = useParams();
  const cams = useAnalyticsCameras();
  const cameras = useCameras();
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c]));
  const visible = (cams.data ?? []).filter((c) => c.view);
  return (
    <div className="page analytics">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {cams.isError && <ErrorBox error={cams.error} />}
      <div className="analytics-layout">
        <nav className="panel analytics-cameras" aria-label={t('cameras')}>
          <h2>{t('cameras')}</h2>
          {cams.isPending ? (
            <Spinner />
          ) : visible.length ? (
            <ul>
              {visible.map((c) => (
                <li key={c.cameraId}>
                  <Link to={`/analytics/${c.cameraId}`} aria-current={c.cameraId === id ? 'page' : undefined} data-testid="analytics-camera">
                    {names.get(c.cameraId)?.name ?? c.cameraId}
                  </Link>{' '}
                  {c.enabled ? <CameraCounts cameraId={c.cameraId} /> : <span className="muted small">{t('off')}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('noCameras')}</p>
          )}
        </nav>
        <div className="analytics-main">
          {id && visible.some((c) => c.cameraId === id) ? (
            <CameraAnalytics cameraId={id} name={names.get(id)?.name ?? id} manage={!!cams.data?.find((c) => c.cameraId === id)?.manage} />
          ) : (
            <Overview />
          )}
        </div>
      </div>
    </div>
  );
}

/** Without a camera chosen: incidents in effect with the sums over their areas, and the open alerts. */
function Overview() {
  const { t } = useTranslation('analytics');
  const incidents = useIncidents('open');
  const active = incidents.data ?? [];
  return (
    <>
      <section className="panel">
        <h2>{t('area.title')}</h2>
        {incidents.isError && <ErrorBox error={incidents.error} />}
        {active.length ? (
          active.map((i) => (
            <div key={i.id}>
              <h3>{i.title}</h3>
              <AreaCounts incidentId={i.id} />
            </div>
          ))
        ) : (
          <p>{t('area.none')}</p>
        )}
      </section>
      <section className="panel">
        <h2>{t('alerts:open')}</h2>
        <AlertList state="open" />
      </section>
    </>
  );
}

function CameraAnalytics({ cameraId, name, manage }: { cameraId: string; name: string; manage: boolean }) {
  const { t } = useTranslation('analytics');
  const f = useFormat();
  const [minutes, setMinutes] = useState(60);
  const [bucket, setBucket] = useState<Bucket>('1m');
  const [csvError, setCsvError] = useState<unknown>(null);
  const config = useConfig(cameraId);
  const series = useSeries(cameraId, minutes, bucket);
  const live = useLive(useAnyCounting(cameraId)).counts.get(cameraId);
  const zones = new Map((config.data?.zones ?? []).map((z) => [z.id, z]));
  const lines = new Map((config.data?.lines ?? []).map((l) => [l.id, l]));
  const targetName = (id: string) => zones.get(id)?.name ?? lines.get(id)?.name ?? id;
  const dirName = (lineId: string, d: 'forward' | 'backward') => (d === 'forward' ? lines.get(lineId)?.forwardName : lines.get(lineId)?.backwardName) || t(`direction.${d}`);
  const byTarget = useMemo(() => {
    const m = new Map<string, Series[]>();
    for (const s of series.data?.series ?? []) m.set(`${s.kind}|${s.targetId}`, [...(m.get(`${s.kind}|${s.targetId}`) ?? []), s]);
    return [...m.values()];
  }, [series.data]);
  const chooseRange = (m: number) => {
    setMinutes(m);
    // At most 10,000 buckets per query: a week is shown in 5-minute buckets at least.
    if (m > 1440 && bucket === '1m') setBucket('5m');
  };
  return (
    <section aria-labelledby="camera-title" data-testid="camera-analytics">
      <h2 id="camera-title">{name}</h2>
      <p className="muted small">{t('noVideo')}</p>
      {manage && (
        <p>
          <Link to={`/zones/${cameraId}`}>{t('editZones')}</Link>
        </p>
      )}
      <div className="panel">
        <h3>{t('liveTitle')}</h3>
        {live ? (
          <table className="table" data-testid="live-counts">
            <caption className="visually-hidden">{t('liveTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('target')}</th>
                <th scope="col">{t('class.title')}</th>
                <th scope="col">{t('direction.title')}</th>
                <th scope="col">{t('value')}</th>
              </tr>
            </thead>
            <tbody>
              {live.zones.map((z) => (
                <tr key={`z|${z.targetId}|${z.cls}`}>
                  <td>{targetName(z.targetId)}</td>
                  <td>{t(`class.${z.cls}`)}</td>
                  <td>–</td>
                  <td className="num">{String(z.count)}</td>
                </tr>
              ))}
              {live.crossings.map((c) => (
                <tr key={`l|${c.targetId}|${c.cls}|${c.direction}`}>
                  <td>{targetName(c.targetId)}</td>
                  <td>{t(`class.${c.cls}`)}</td>
                  <td>{dirName(c.targetId, c.direction)}</td>
                  <td className="num">{String(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('liveWaiting')}</p>
        )}
        {live && <p className="muted small">{t('liveAt', { time: f.time(live.at) })}</p>}
      </div>
      <div className="panel">
        <h3>{t('chartsTitle')}</h3>
        <div className="toolbar">
          <label>
            {t('range.title')}
            <select value={minutes} onChange={(e) => chooseRange(Number(e.target.value))} data-testid="range">
              {RANGES.map((m) => (
                <option key={m} value={m}>
                  {t(`range.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="buckets">
            <legend>{t('bucket.title')}</legend>
            {BUCKETS.map((b) => (
              <label key={b} className="inline">
                <input type="radio" name="bucket" value={b} checked={bucket === b} disabled={b === '1m' && minutes > 1440} onChange={() => setBucket(b)} />
                {t(`bucket.${b}`)}
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            className="secondary"
            data-testid="csv"
            onClick={() => {
              setCsvError(null);
              downloadCsv(cameraId, minutes, bucket, `${name.replace(/[^\p{L}\p{N}-]+/gu, '_')}-${bucket}.csv`).catch(setCsvError);
            }}
          >
            {t('csv')}
          </button>
        </div>
        {csvError ? <ErrorBox error={csvError} /> : null}
        {series.isPending && <Spinner />}
        {series.isError && <ErrorBox error={series.error} />}
        {series.data && !byTarget.length && <p>{t('noData')}</p>}
        {series.data && (
          <p className="muted small" data-testid="floor-note">
            {t('floor', { min: series.data.minCount })}
          </p>
        )}
        {byTarget.map((group) => {
          const first = group[0];
          const chartLines: ChartLine[] = group.map((s) => ({
            label: `${t(`class.${s.cls}`)}${s.direction ? ` · ${dirName(s.targetId, s.direction)}` : ''}`,
            color: COLORS[s.cls] ?? '#374151',
            dash: s.direction === 'backward',
            points: s.points,
          }));
          const title = `${targetName(first.targetId)} · ${t(`measure.${first.measure}`)}`;
          const times = [...new Set(group.flatMap((s) => s.points.map((p) => p.t)))].sort().slice(-6);
          return (
            <figure key={`${first.kind}|${first.targetId}`} className="chart-figure" data-testid="chart" data-target={first.targetId}>
              <Suspense fallback={<Spinner />}>
                <Chart lines={chartLines} minCount={series.data!.minCount} title={title} locale={f.locale} from={series.data!.from} to={series.data!.to} />
              </Suspense>
              <figcaption>
                <table className="table small">
                  <caption>{t('tableCaption', { target: title })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('time')}</th>
                      {chartLines.map((l) => (
                        <th scope="col" key={l.label}>
                          {l.label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {times.map((tm) => (
                      <tr key={tm}>
                        <th scope="row">{f.dateTime(tm)}</th>
                        {group.map((s) => (
                          <td className="num" key={`${s.cls}|${s.direction ?? ''}`}>
                            {String(s.points.find((p) => p.t === tm)?.value ?? '–')}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </figcaption>
            </figure>
          );
        })}
      </div>
      <div className="panel">
        <h3>{t('alerts:title')}</h3>
        <AlertList state="open" cameraId={cameraId} />
      </div>
    </section>
  );
}
