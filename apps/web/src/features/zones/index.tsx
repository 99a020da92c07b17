import { useEffect, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useAnalyticsCameras, useCameras, useConfig, useSaveConfig, useStill, type AnalyticsConfig } from '../analytics/api';
import { CLASSES } from '../analytics/counts';

type Point = [number, number];
/** Refusals of the API's geometry check (and rules naming a missing zone or line), explained in the user's language above the API's own words. */
const GEOMETRY_CODES = [
  'geometry_outside_picture',
  'geometry_self_intersecting',
  'geometry_too_many_points',
  'geometry_too_few_points',
  'geometry_degenerate',
  'geometry_duplicate_id',
  'geometry_too_many_items',
  'alert_target_unknown',
];
type Zone = AnalyticsConfig['zones'][number];
type Line = AnalyticsConfig['lines'][number];
type Rule = AnalyticsConfig['alerts'][number];

/**
 * The zone and line editor of a camera, for its owner's administrators: zones are polygons, lines
 * have a direction ("forward" crosses from the left of a→b to its right), drawn on an anonymized
 * still of the camera. The API checks the geometry and its refusal is shown as it says it.
 */
export default function ZonesPage() {
  const { t } = useTranslation(['zones', 'analytics']);
  const { id } = useParams();
  const cams = useAnalyticsCameras();
  const cameras = useCameras();
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c.name]));
  const managed = (cams.data ?? []).filter((c) => c.manage);
  return (
    <div className="page">
      <h1>{t('title')}</h1>
      {cams.isError && <ErrorBox error={cams.error} />}
      {id && managed.some((c) => c.cameraId === id) ? (
        <Editor cameraId={id} name={names.get(id) ?? id} />
      ) : cams.isPending ? (
        <Spinner />
      ) : managed.length ? (
        <>
          <p>{t('choose')}</p>
          <ul>
            {managed.map((c) => (
              <li key={c.cameraId}>
                <Link to={`/zones/${c.cameraId}`} data-testid="zones-camera">
                  {names.get(c.cameraId) ?? c.cameraId}
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('noCameras')}</p>
      )}
    </div>
  );
}

function slug(name: string, taken: string[]): string {
  const base =
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/ł/g, 'l')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'x';
  let s = base;
  for (let i = 2; taken.includes(s); i++) s = `${base}-${i}`;
  return s;
}

const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;

function Editor({ cameraId, name }: { cameraId: string; name: string }) {
  const { t } = useTranslation('zones');
  const config = useConfig(cameraId);
  const save = useSaveConfig(cameraId);
  const still = useStill(cameraId, true);
  const [draft, setDraft] = useState<AnalyticsConfig | null>(null);
  const [mode, setMode] = useState<'zone' | 'line'>('zone');
  const [points, setPoints] = useState<Point[]>([]);
  const [shapeName, setShapeName] = useState('');
  const [forwardName, setForwardName] = useState('');
  const [backwardName, setBackwardName] = useState('');
  // The picture's own proportions (zones are fractions of it); 16:9 until the still has loaded.
  const [aspect, setAspect] = useState<number | null>(null);
  useEffect(() => {
    if (config.data && !draft) setDraft({ enabled: config.data.enabled, zones: config.data.zones, lines: config.data.lines, alerts: config.data.alerts });
  }, [config.data, draft]);
  if (config.isPending || !draft) return config.isError ? <ErrorBox error={config.error} /> : <Spinner />;
  const ids = [...draft.zones.map((z) => z.id), ...draft.lines.map((l) => l.id)];
  const change = (c: Partial<AnalyticsConfig>) => {
    save.reset();
    setDraft({ ...draft, ...c });
  };

  const click = (e: MouseEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const p: Point = [round((e.clientX - r.left) / r.width), round((e.clientY - r.top) / r.height)];
    setPoints(mode === 'line' ? [...points, p].slice(-2) : [...points, p]);
  };
  const canAdd = shapeName.trim() && (mode === 'zone' ? points.length >= 3 : points.length === 2);
  const add = () => {
    const id = slug(shapeName, ids);
    if (mode === 'zone') change({ zones: [...draft.zones, { id, name: shapeName.trim(), polygon: points }] });
    else
      change({
        lines: [
          ...draft.lines,
          {
            id,
            name: shapeName.trim(),
            a: points[0],
            b: points[1],
            ...(forwardName.trim() ? { forwardName: forwardName.trim() } : {}),
            ...(backwardName.trim() ? { backwardName: backwardName.trim() } : {}),
          },
        ],
      });
    setPoints([]);
    setShapeName('');
    setForwardName('');
    setBackwardName('');
  };

  return (
    <section aria-labelledby="editor-title" data-testid="zone-editor">
      <h2 id="editor-title">{name}</h2>
      <div className="editor-layout">
        <div>
          <div className="picture" style={aspect ? { aspectRatio: String(aspect) } : undefined}>
            {still.data ? (
              <img
                src={still.data}
                alt={t('stillAlt', { camera: name })}
                data-testid="still"
                onLoad={(e) => setAspect(e.currentTarget.naturalWidth / e.currentTarget.naturalHeight || null)}
              />
            ) : (
              <div className="no-still" data-testid={still.isPending ? undefined : 'no-still'}>
                {still.isPending ? t('stillLoading') : t('noStill')}
              </div>
            )}
            <svg viewBox="0 0 1 1" preserveAspectRatio="none" onClick={click} data-testid="canvas" role="img" aria-label={t('canvasLabel')}>
              {draft.zones.map((z) => (
                <polygon key={z.id} points={z.polygon.map((p) => p.join(',')).join(' ')} className="zone" />
              ))}
              {draft.lines.map((l) => (
                <LineShape key={l.id} line={l} />
              ))}
              {mode === 'zone' && points.length > 0 && <polyline points={[...points, points[0]].map((p) => p.join(',')).join(' ')} className="draft" />}
              {mode === 'line' && points.length === 2 && <LineShape line={{ id: 'draft', name: '', a: points[0], b: points[1] }} draft />}
              {points.map((p, i) => (
                <circle key={i} cx={p[0]} cy={p[1]} r={0.008} className="draft-point" />
              ))}
            </svg>
          </div>
          <p className="muted small">{mode === 'zone' ? t('howZone') : t('howLine')}</p>
        </div>
        <div className="editor-side">
          <label className="inline">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => change({ enabled: e.target.checked })} data-testid="enabled" />
            {t('enabled')}
          </label>
          <fieldset>
            <legend>{t('draw')}</legend>
            {(['zone', 'line'] as const).map((m) => (
              <label key={m} className="inline">
                <input
                  type="radio"
                  name="mode"
                  value={m}
                  checked={mode === m}
                  onChange={() => {
                    setMode(m);
                    setPoints([]);
                  }}
                  data-testid={`mode-${m}`}
                />
                {t(`mode.${m}`)}
              </label>
            ))}
            <label>
              {t('name')}
              <input value={shapeName} onChange={(e) => setShapeName(e.target.value)} maxLength={200} data-testid="shape-name" />
            </label>
            {mode === 'line' && (
              <>
                <label>
                  {t('forwardName')}
                  <input value={forwardName} onChange={(e) => setForwardName(e.target.value)} maxLength={100} placeholder={t('forwardExample')} data-testid="forward-name" />
                </label>
                <label>
                  {t('backwardName')}
                  <input value={backwardName} onChange={(e) => setBackwardName(e.target.value)} maxLength={100} placeholder={t('backwardExample')} data-testid="backward-name" />
                </label>
              </>
            )}
            <p className="small">{t('points', { n: points.length })}</p>
            <div className="toolbar">
              <button type="button" disabled={!canAdd} onClick={add} data-testid="add-shape">
                {mode === 'zone' ? t('addZone') : t('addLine')}
              </button>
              <button type="button" className="secondary" disabled={!points.length} onClick={() => setPoints(points.slice(0, -1))}>
                {t('undoPoint')}
              </button>
            </div>
          </fieldset>
          <h3>{t('zonesTitle')}</h3>
          <ShapeList items={draft.zones} onRemove={(id) => change({ zones: draft.zones.filter((z) => z.id !== id), alerts: draft.alerts.filter((a) => a.targetId !== id) })} />
          <h3>{t('linesTitle')}</h3>
          <ShapeList items={draft.lines} onRemove={(id) => change({ lines: draft.lines.filter((l) => l.id !== id), alerts: draft.alerts.filter((a) => a.targetId !== id) })} />
          <Rules draft={draft} onChange={(alerts) => change({ alerts })} />
          <div className="toolbar">
            <button type="button" onClick={() => save.mutate(draft)} disabled={save.isPending} data-testid="save">
              {t('save')}
            </button>
            {save.isSuccess && (
              <span role="status" data-testid="saved">
                {t('saved', { revision: save.data.revision })}
              </span>
            )}
          </div>
          {save.isError && save.error instanceof ApiError && GEOMETRY_CODES.includes(save.error.code) && (
            <p className="refused" data-testid="refused">
              {t(`refused.${save.error.code}`)}
            </p>
          )}
          {save.isError && <ErrorBox error={save.error} />}
        </div>
      </div>
    </section>
  );
}

/** A line with an arrow towards its "forward" side (the right of a→b, y pointing down). */
function LineShape({ line, draft }: { line: Line; draft?: boolean }) {
  const [ax, ay] = line.a;
  const [bx, by] = line.b;
  const mx = (ax + bx) / 2;
  const my = (ay + by) / 2;
  const len = Math.hypot(bx - ax, by - ay) || 1;
  // Right of a→b in picture coordinates (y down) is (-dy, dx).
  const nx = (-(by - ay) / len) * 0.06;
  const ny = ((bx - ax) / len) * 0.06;
  return (
    <g className={draft ? 'line draft' : 'line'}>
      <line x1={ax} y1={ay} x2={bx} y2={by} />
      <line x1={mx} y1={my} x2={mx + nx} y2={my + ny} className="arrow" />
      <circle cx={mx + nx} cy={my + ny} r={0.01} className="arrow-head" />
    </g>
  );
}

function ShapeList({ items, onRemove }: { items: (Zone | Line)[]; onRemove: (id: string) => void }) {
  const { t } = useTranslation('zones');
  if (!items.length) return <p className="muted small">{t('none')}</p>;
  return (
    <ul className="shape-list">
      {items.map((s) => (
        <li key={s.id} data-testid="shape">
          {s.name}
          {'forwardName' in s && s.forwardName ? ` (→ ${s.forwardName})` : ''}{' '}
          <button type="button" className="secondary small" onClick={() => onRemove(s.id)} aria-label={t('remove', { name: s.name })}>
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Alert rules: more than `threshold` in a zone (occupancy) or crossings of a line per minute, for `durationSec`. */
function Rules({ draft, onChange }: { draft: AnalyticsConfig; onChange: (alerts: Rule[]) => void }) {
  const { t } = useTranslation(['zones', 'analytics']);
  const [kind, setKind] = useState<Rule['kind']>('occupancy');
  const [target, setTarget] = useState('');
  const [cls, setCls] = useState<string>('person');
  const [threshold, setThreshold] = useState(50);
  const [duration, setDuration] = useState(30);
  const targets = kind === 'occupancy' ? draft.zones : draft.lines;
  const targetId = targets.some((x) => x.id === target) ? target : targets[0]?.id;
  const add = () => {
    if (!targetId) return;
    const tn = targets.find((x) => x.id === targetId)!.name;
    const ruleName = `${tn}: ${t(`analytics:class.${cls}`)} > ${threshold}`;
    const ids = draft.alerts.map((a) => a.id);
    onChange([
      ...draft.alerts,
      { id: slug(`${targetId}-${cls}-${threshold}`, ids), name: ruleName, kind, targetId, classes: [cls as Rule['classes'][number]], threshold, durationSec: duration },
    ]);
  };
  return (
    <>
      <h3>{t('rulesTitle')}</h3>
      {draft.alerts.length ? (
        <ul className="shape-list">
          {draft.alerts.map((a) => (
            <li key={a.id} data-testid="rule">
              {a.name} ({t('forSeconds', { s: a.durationSec })}){' '}
              <button type="button" className="secondary small" onClick={() => onChange(draft.alerts.filter((x) => x.id !== a.id))} aria-label={t('remove', { name: a.name })}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('none')}</p>
      )}
      <fieldset className="rule-form">
        <legend>{t('newRule')}</legend>
        <label>
          {t('ruleKind.title')}
          <select value={kind} onChange={(e) => setKind(e.target.value as Rule['kind'])}>
            <option value="occupancy">{t('ruleKind.occupancy')}</option>
            <option value="crossing-rate">{t('ruleKind.crossing-rate')}</option>
          </select>
        </label>
        <label>
          {t('ruleTarget')}
          <select value={targetId ?? ''} onChange={(e) => setTarget(e.target.value)}>
            {targets.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ruleClass')}
          <select value={cls} onChange={(e) => setCls(e.target.value)}>
            {CLASSES.map((c) => (
              <option key={c} value={c}>
                {t(`analytics:class.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('threshold')}
          <input type="number" min={0} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} data-testid="threshold" />
        </label>
        <label>
          {t('duration')}
          <input type="number" min={0} value={duration} onChange={(e) => setDuration(Number(e.target.value))} data-testid="duration" />
        </label>
        <button type="button" disabled={!targetId} onClick={add} data-testid="add-rule">
          {t('addRule')}
        </button>
      </fieldset>
    </>
  );
}
