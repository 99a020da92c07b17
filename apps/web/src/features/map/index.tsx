import L from 'leaflet';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useCameraAccess, useCameras, useIncidents, useOrganisations } from '../../api/data';
import type { Camera, CameraAccess, Incident } from '../../api/types';
import { ACCESS_LETTER, AccessBadge, CountryBadge, StateBadge } from '../../shared/camera-labels';
import { ErrorBox } from '../../shared/ErrorBox';
import { BaseMap } from '../../shared/map/BaseMap';
import { clusterByDistance } from '../../shared/map/cluster';
import { IncidentLayer } from '../../shared/map/IncidentLayer';
import { wall } from '../../shared/wall';
import { CameraCounts } from '../analytics/CameraCounts';

/**
 * The map: the cameras of the user's own and partner organisations, coloured by country, with their
 * state (disabled by its administrators, or as its media node reports) and what the user may see; incidents as areas with their remaining time. A camera is
 * chosen on the map or in the list beside it, and watched on the live wall.
 */
export default function MapPage() {
  const { t } = useTranslation('map');
  const cameras = useCameras();
  const access = useCameraAccess();
  const incidents = useIncidents('open');
  const orgs = useOrganisations();
  const navigate = useNavigate();
  const [selected, setSelected] = useState<string | null>(null);
  const watch = (c: Camera, form: 'anonymized' | 'raw' = 'anonymized') => {
    wall.add(c.id, form);
    navigate('/live');
  };
  // A pin clicked on the map: its entry in the list comes into view, with its Watch button.
  useEffect(() => {
    if (selected) document.querySelector(`[data-testid=camera-list] li[data-camera-id="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const list = useMemo(() => [...(cameras.data ?? [])].sort((a, b) => a.jurisdiction.localeCompare(b.jurisdiction) || a.name.localeCompare(b.name)), [cameras.data]);
  return (
    <div className="split map-page">
      <h1 className="visually-hidden">{t('title')}</h1>
      <BaseMap label={t('mapLabel')}>
        {(map) => (
          <>
            <CameraMarkers map={map} cameras={list} access={access.data} selected={selected} onSelect={setSelected} />
            <IncidentLayer map={map} incidents={incidents.data ?? []} />
          </>
        )}
      </BaseMap>
      <aside aria-label={t('camerasHeading')}>
        <h2>{t('camerasHeading')}</h2>
        {cameras.error && <ErrorBox error={cameras.error} />}
        <Legend />
        {incidents.data && incidents.data.length > 0 && <p className="muted">{t('incidentsInForce', { count: incidents.data.length })}</p>}
        <ul className="cam-list" data-testid="camera-list">
          {list.map((c) => {
            const a = access.data?.get(c.id);
            // A disabled camera sends nothing: no live view is offered until it is enabled again.
            const canWatch = c.state !== 'disabled' && (a?.access === 'raw' || a?.access === 'anonymized');
            return (
              <li key={c.id} className={selected === c.id ? 'selected' : ''} data-camera-id={c.id} data-access={a?.access ?? ''} data-state={c.state}>
                <button type="button" className="link-like cam-name" onClick={() => setSelected(c.id)} aria-pressed={selected === c.id}>
                  {c.name}
                </button>
                <div className="row">
                  <CountryBadge country={c.jurisdiction} />
                  <StateBadge state={c.state} />
                  <AccessBadge access={a?.access} />
                  {a?.rawDuringIncident && a.access !== 'raw' && <span className="badge neutral">{t('rawDuringIncident')}</span>}
                  <CameraCounts cameraId={c.id} />
                </div>
                <div className="row muted">{orgs.data?.get(c.organisationId)?.name ?? c.organisationId}</div>
                {selected === c.id && <Details camera={c} access={a} incidents={incidents.data ?? []} />}
                {canWatch && (
                  <div className="row">
                    <button type="button" className="small" onClick={() => watch(c, 'anonymized')} data-testid="watch">
                      {t('watch')}
                    </button>
                    {a?.access === 'raw' && (
                      <button type="button" className="small danger" onClick={() => watch(c, 'raw')} data-testid="watch-raw">
                        {t('watchRaw')}
                      </button>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </aside>
    </div>
  );
}

function Details({ camera, access, incidents }: { camera: Camera; access?: CameraAccess; incidents: Incident[] }) {
  const { t } = useTranslation('map');
  const covering = incidents.filter((i) => access?.incidentIds.includes(i.id));
  return (
    <div className="cam-details">
      <p className="muted">
        {t(`kind.${camera.kind}`)} · {camera.latitude.toFixed(4)}, {camera.longitude.toFixed(4)}
      </p>
      {covering.map((i) => (
        <p key={i.id}>
          {t('coveredBy')}: <strong>{i.title}</strong>
        </p>
      ))}
      {access && access.reasons.length > 0 && (
        <details>
          <summary>{t('why')}</summary>
          <ul className="reasons">
            {access.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function Legend() {
  const { t } = useTranslation('map');
  return (
    <div className="legend" aria-label={t('legend')}>
      <span className="cam-pin cz">A</span>
      <span>{t('legendCz')}</span>
      <span className="cam-pin pl">A</span>
      <span>{t('legendPl')}</span>
      <span className="cam-pin cz offline">A</span>
      <span>{t('legendOffline')}</span>
      <span className="cam-pin cz access-raw">R</span>
      <span>{t('legendLetters')}</span>
      <span className="cam-cluster" style={{ background: 'conic-gradient(var(--cz) 0% 50%, var(--pl) 50% 100%)' }}>
        3
      </span>
      <span>{t('legendCluster')}</span>
    </div>
  );
}

/** Screen distance (px) within which pins join a cluster; from this zoom on every camera has its own pin. */
const CLUSTER_RADIUS = 36;
const CLUSTER_UNTIL_ZOOM = 16;

/**
 * The cameras as pins: colour = country, dashed = offline, letter = what the user may see. Pins that
 * would overlap at the current zoom join a cluster showing how many cameras it holds, coloured by
 * their countries (outlined red when one of them may be watched raw); choosing it zooms in on them.
 */
function CameraMarkers({
  map,
  cameras,
  access,
  selected,
  onSelect,
}: {
  map: L.Map;
  cameras: Camera[];
  access?: Map<string, CameraAccess>;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation(['map', 'common']);
  const [zoom, setZoom] = useState(() => map.getZoom());
  useEffect(() => {
    const onZoom = () => setZoom(map.getZoom());
    map.on('zoomend', onZoom);
    return () => {
      map.off('zoomend', onZoom);
    };
  }, [map]);
  useEffect(() => {
    const layer = L.layerGroup().addTo(map);
    const groups = zoom >= CLUSTER_UNTIL_ZOOM ? cameras.map((c) => [c]) : clusterByDistance(cameras, (c) => map.project([c.latitude, c.longitude], zoom), CLUSTER_RADIUS);
    for (const group of groups) {
      if (group.length === 1) {
        const c = group[0];
        const a = access?.get(c.id)?.access ?? 'none';
        const label = `${c.name} (${c.jurisdiction}, ${t(`common:cameraState.${c.state}`)}, ${t(`common:access.${a}`)})`;
        const marker = L.marker([c.latitude, c.longitude], {
          title: label,
          alt: label,
          icon: L.divIcon({
            className: 'cam-icon',
            html: `<span class="cam-pin ${c.jurisdiction.toLowerCase()} ${c.state} access-${a}${selected === c.id ? ' selected' : ''}" data-camera-id="${c.id}">${ACCESS_LETTER[a]}</span>`,
            iconSize: [26, 26],
            iconAnchor: [13, 13],
          }),
        });
        marker.on('click', () => onSelect(c.id));
        marker.bindTooltip(c.name, { direction: 'top', offset: [0, -12] });
        marker.addTo(layer);
        continue;
      }
      const bounds = L.latLngBounds(group.map((c) => [c.latitude, c.longitude] as L.LatLngTuple));
      const byCountry = new Map<string, number>();
      for (const c of group) byCountry.set(c.jurisdiction, (byCountry.get(c.jurisdiction) ?? 0) + 1);
      const countries = [...byCountry].sort(([a], [b]) => a.localeCompare(b));
      const offline = group.filter((c) => c.state !== 'online').length;
      const raw = group.some((c) => access?.get(c.id)?.access === 'raw');
      const label = t('cluster', { count: group.length, countries: countries.map(([k, n]) => `${k} ${n}`).join(', '), offline });
      // One colour per country, in proportion (a pie); the count in white on it, as on the pins.
      let from = 0;
      const pie = countries.map(([k, n]) => {
        const to = from + (n / group.length) * 100;
        const part = `var(--${k.toLowerCase()}, #475569) ${from}% ${to}%`;
        from = to;
        return part;
      });
      const marker = L.marker(bounds.getCenter(), {
        title: label,
        alt: label,
        icon: L.divIcon({
          className: 'cam-icon',
          html: `<span class="cam-cluster${raw ? ' access-raw' : ''}${offline === group.length ? ' offline' : ''}${group.some((c) => c.id === selected) ? ' selected' : ''}" style="background: conic-gradient(${pie.join(', ')})" data-cluster-size="${group.length}">${group.length}</span>`,
          iconSize: [34, 34],
          iconAnchor: [17, 17],
        }),
      });
      marker.on('click', () => map.fitBounds(bounds.pad(0.5), { maxZoom: CLUSTER_UNTIL_ZOOM }));
      marker.bindTooltip(label, { direction: 'top', offset: [0, -16] });
      marker.addTo(layer);
    }
    return () => {
      layer.remove();
    };
  }, [map, zoom, cameras, access, selected, onSelect, t]);
  return null;
}
