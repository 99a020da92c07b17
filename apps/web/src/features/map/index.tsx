import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useCameraAccess, useCameras, useIncidents, useOrganisations } from '../../api/data';
import type { Camera, CameraAccess, Incident } from '../../api/types';
import { AccessBadge, CountryBadge, StateBadge } from '../../shared/camera-labels';
import { ErrorBox } from '../../shared/ErrorBox';
import { BaseMap } from '../../shared/map/BaseMap';
import { CameraMarkers } from '../../shared/map/CameraMarkers';
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
            <CameraMarkers map={map} cameras={list} look="pins" access={access.data} selected={selected} onSelect={setSelected} />
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
