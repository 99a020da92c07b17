import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import L from 'leaflet';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useCameras, useIncidents, useOrganisations } from '../../api/data';
import { useMe } from '../../api/me';
import type { Camera, Incident } from '../../api/types';
import { formatDuration, useFormat } from '../../i18n/format';
import { CountryBadge } from '../../shared/camera-labels';
import { ErrorBox } from '../../shared/ErrorBox';
import { BaseMap } from '../../shared/map/BaseMap';
import { CameraMarkers } from '../../shared/map/CameraMarkers';
import { DrawTool, type DrawMode, type DrawnArea } from '../../shared/map/DrawTool';
import { areaLayer, IncidentLayer } from '../../shared/map/IncidentLayer';
import './incidents.css';
import { IncidentCounts } from '../analytics/IncidentCounts';
import { DateTimeField } from '../../shared/DateTimeField';

const TYPES = ['flood', 'fire', 'accident', 'missing-person', 'evacuation', 'other'];

/** Incidents: declare one by drawing its area, extend it with a reason, end it; those in force, the history, the cameras covered. */
export default function IncidentsPage() {
  const { t } = useTranslation('incidents');
  const open = useIncidents('open');
  const all = useIncidents('all');
  const cameras = useCameras();
  const [mode, setMode] = useState<DrawMode>(null);
  const [area, setArea] = useState<DrawnArea | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const onArea = useCallback((a: DrawnArea | null) => {
    setArea(a);
    setMode(null);
  }, []);
  const history = (all.data ?? []).filter((i) => i.state === 'ended');
  return (
    <div className="split incidents-page">
      <BaseMap label={t('mapLabel')}>
        {(map) => (
          <>
            <IncidentLayer map={map} incidents={open.data ?? []} />
            {/* Dots take no click, and clusters none while drawing: a click there draws. */}
            <CameraMarkers map={map} cameras={cameras.data ?? []} look="dots" clustersInteractive={!mode} />
            <DrawTool map={map} mode={mode} onArea={onArea} />
            {area && !mode && <DraftArea map={map} area={area} />}
            <FocusIncident map={map} incident={(all.data ?? []).find((i) => i.id === focus)} />
          </>
        )}
      </BaseMap>
      <aside aria-label={t('title')}>
        <h1>{t('title')}</h1>
        <Declare area={area} mode={mode} onMode={setMode} onClear={() => setArea(null)} />
        <h2>{t('inForce')}</h2>
        {open.error && <ErrorBox error={open.error} />}
        {open.data?.length === 0 && <p className="muted">{t('noneInForce')}</p>}
        <ul className="incident-list" data-testid="incidents-open">
          {(open.data ?? []).map((i) => (
            <IncidentItem key={i.id} incident={i} cameras={cameras.data ?? []} onFocus={() => setFocus(i.id)} />
          ))}
        </ul>
        <h2>{t('history')}</h2>
        {history.length === 0 && <p className="muted">{t('noHistory')}</p>}
        <ul className="incident-list history" data-testid="incidents-history">
          {history.slice(0, 30).map((i) => (
            <IncidentItem key={i.id} incident={i} cameras={cameras.data ?? []} onFocus={() => setFocus(i.id)} />
          ))}
        </ul>
      </aside>
    </div>
  );
}

function Declare({ area, mode, onMode, onClear }: { area: DrawnArea | null; mode: DrawMode; onMode: (m: DrawMode) => void; onClear: () => void }) {
  const { t } = useTranslation('incidents');
  const qc = useQueryClient();
  const f = useFormat();
  const [type, setType] = useState('flood');
  const [severity, setSeverity] = useState(3);
  const [title, setTitle] = useState('');
  const [end, setEnd] = useState(() => localInput(Date.now() + 2 * 3600_000));
  const declare = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/incidents', {
          body: { type, severity, title, area: area as unknown as Record<string, never>, endsAt: new Date(end).toISOString() },
        }),
      ),
    onSuccess: () => {
      onClear();
      setTitle('');
      void qc.invalidateQueries({ queryKey: ['incidents'] });
      void qc.invalidateQueries({ queryKey: ['live-access'] });
    },
  });
  return (
    <details className="panel declare" open data-testid="declare">
      <summary>{t('declare')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          declare.mutate();
        }}
      >
        <div className="draw-buttons" role="group" aria-label={t('area')}>
          <button
            type="button"
            className={mode === 'circle' ? '' : 'secondary'}
            aria-pressed={mode === 'circle'}
            onClick={() => onMode(mode === 'circle' ? null : 'circle')}
            data-testid="draw-circle"
          >
            {t('drawCircle')}
          </button>
          <button
            type="button"
            className={mode === 'polygon' ? '' : 'secondary'}
            aria-pressed={mode === 'polygon'}
            onClick={() => onMode(mode === 'polygon' ? null : 'polygon')}
            data-testid="draw-polygon"
          >
            {t('drawPolygon')}
          </button>
          {area && (
            <button type="button" className="secondary" onClick={onClear}>
              {t('clearArea')}
            </button>
          )}
        </div>
        <p className="muted" data-testid="area-summary">
          {mode === 'circle'
            ? t('hintCircle')
            : mode === 'polygon'
              ? t('hintPolygon')
              : area
                ? area.type === 'Circle'
                  ? t('areaCircle', { km: f.number(area.radiusMeters / 1000, 2) })
                  : t('areaPolygon', { count: area.coordinates[0].length - 1 })
                : t('noArea')}
        </p>
        <label>
          {t('type')}
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`types.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('severity')}
          <select value={severity} onChange={(e) => setSeverity(Number(e.target.value))}>
            {[1, 2, 3, 4, 5].map((s) => (
              <option key={s} value={s}>
                {s} – {t(`severities.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('incidentTitle')}
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} data-testid="incident-title" />
        </label>
        <DateTimeField label={t('plannedEnd')} value={end} onChange={setEnd} required />
        <button type="submit" disabled={!area || !title.trim() || declare.isPending} data-testid="declare-submit">
          {t('declareSubmit')}
        </button>
        {declare.error && <ErrorBox error={declare.error} />}
        {declare.data && (
          <p role="status" className="ok">
            {t('declared', { title: declare.data.title })}
          </p>
        )}
      </form>
    </details>
  );
}

function IncidentItem({ incident: i, cameras, onFocus }: { incident: Incident; cameras: Camera[]; onFocus: () => void }) {
  const { t } = useTranslation('incidents');
  const f = useFormat();
  const me = useMe();
  const orgs = useOrganisations();
  const qc = useQueryClient();
  const [action, setAction] = useState<'extend' | 'end' | 'accept' | 'refuse' | null>(null);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(() => localInput(new Date(i.endsAt).getTime() + 3600_000));
  const [, tick] = useState(0);
  useEffect(() => {
    const x = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(x);
  }, []);
  const detail = useQuery({
    queryKey: ['incident', i.id],
    queryFn: () => unwrap(api.GET('/api/v1/incidents/{id}', { params: { path: { id: i.id } } })),
    refetchInterval: i.state === 'ended' ? false : 10_000,
  });
  const act = useMutation({
    mutationFn: async () => {
      const path = { params: { path: { id: i.id } } };
      if (action === 'extend') return unwrap(api.POST('/api/v1/incidents/{id}/extend', { ...path, body: { endsAt: new Date(until).toISOString(), reason } }));
      if (action === 'end') return unwrap(api.POST('/api/v1/incidents/{id}/end', { ...path, body: { reason } }));
      if (action === 'accept') return unwrap(api.POST('/api/v1/incidents/{id}/accept', { ...path, body: { reason } }));
      return unwrap(api.POST('/api/v1/incidents/{id}/refuse', { ...path, body: { reason } }));
    },
    onSuccess: () => {
      setAction(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['incidents'] });
      void qc.invalidateQueries({ queryKey: ['incident', i.id] });
      void qc.invalidateQueries({ queryKey: ['live-access'] });
    },
  });
  const covered = cameras.filter((c) => detail.data?.cameraIds?.includes(c.id));
  const ended = i.state === 'ended';
  const awaitingMine = !!me.data && i.awaitingAcceptance.includes(me.data.country);
  return (
    <li className={`incident ${i.state}`} data-incident-id={i.id}>
      <div className="incident-head">
        <button type="button" className="link-like" onClick={onFocus}>
          <strong>{i.title}</strong>
        </button>
        <span className="badge neutral">{t(`types.${i.type}`, { defaultValue: i.type })}</span>
        <span className="badge neutral">{t('severityShort', { n: i.severity })}</span>
        {i.countries.map((c) => (
          <CountryBadge key={c} country={c} />
        ))}
      </div>
      <div className="muted small-text">
        {orgs.data?.get(i.organisationId)?.name ?? i.organisationId} · {f.dateTime(i.startsAt)}
        {ended ? (
          <>
            {' '}
            – {f.dateTime(i.endedAt ?? i.endsAt)} · {i.endReason ?? ''}
          </>
        ) : (
          <>
            {' '}
            · <span data-testid="remaining">{t('remaining', { time: formatDuration(new Date(i.endsAt).getTime() - Date.now()) })}</span>
          </>
        )}
      </div>
      {i.awaitingAcceptance.length > 0 && !ended && <div className="small-text warn-text">{t('awaiting', { countries: i.awaitingAcceptance.join(', ') })}</div>}
      {covered.length > 0 && (
        <details className="small-text">
          <summary>{t('covered', { count: covered.length })}</summary>
          <ul data-testid="covered">
            {covered.map((c) => (
              <li key={c.id}>{c.name}</li>
            ))}
          </ul>
        </details>
      )}
      {!ended && <IncidentCounts incidentId={i.id} />}
      {!ended && (
        <div className="row actions">
          <button type="button" className="small secondary" onClick={() => setAction(action === 'extend' ? null : 'extend')} aria-expanded={action === 'extend'}>
            {t('extend')}
          </button>
          <button type="button" className="small danger" onClick={() => setAction(action === 'end' ? null : 'end')} aria-expanded={action === 'end'} data-testid="end">
            {t('end')}
          </button>
          {awaitingMine && (
            <>
              <button type="button" className="small" onClick={() => setAction('accept')}>
                {t('accept')}
              </button>
              <button type="button" className="small secondary" onClick={() => setAction('refuse')}>
                {t('refuse')}
              </button>
            </>
          )}
        </div>
      )}
      {action && (
        <form
          className="incident-action"
          onSubmit={(e) => {
            e.preventDefault();
            act.mutate();
          }}
        >
          {action === 'extend' && <DateTimeField label={t('newEnd')} value={until} onChange={setUntil} required />}
          <label>
            {t('reason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} data-testid="reason" />
          </label>
          <button type="submit" disabled={!reason.trim() || act.isPending} data-testid="confirm">
            {t(`confirm.${action}`)}
          </button>
          {act.error && <ErrorBox error={act.error} />}
        </form>
      )}
    </li>
  );
}

function DraftArea({ map, area }: { map: L.Map; area: DrawnArea }) {
  useEffect(() => {
    const l = areaLayer(area, { color: '#c2410c', weight: 2, fillColor: '#fb923c', fillOpacity: 0.2, interactive: false }).addTo(map);
    return () => {
      l.remove();
    };
  }, [map, area]);
  return null;
}

function FocusIncident({ map, incident }: { map: L.Map; incident?: Incident }) {
  const area = useMemo(() => incident?.area, [incident]);
  useEffect(() => {
    if (!area) return;
    const l = areaLayer(area as unknown as DrawnArea, {});
    map.fitBounds((l as L.Circle | L.Polygon).getBounds(), { maxZoom: 14, padding: [40, 40] });
  }, [map, area]);
  return null;
}

function localInput(ms: number): string {
  const d = new Date(ms - new Date().getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
