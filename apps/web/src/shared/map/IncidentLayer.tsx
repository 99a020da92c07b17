import L from 'leaflet';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../api/types';
import { formatDuration } from '../../i18n/format';

type Area = { type: 'Circle'; center: [number, number]; radiusMeters: number } | { type: 'Polygon'; coordinates: [number, number][][] };

/** An incident's area as a Leaflet layer (GeoJSON is lon,lat; Leaflet lat,lon). */
export function areaLayer(area: Area, style: L.PathOptions): L.Layer {
  if (area.type === 'Circle') return L.circle([area.center[1], area.center[0]], { radius: area.radiusMeters, ...style });
  return L.polygon(
    area.coordinates.map((ring) => ring.map(([lon, lat]) => [lat, lon] as [number, number])),
    style,
  );
}

/** Incidents in force as orange areas, each labelled with its title and remaining time (updated every second). */
export function IncidentLayer({ map, incidents }: { map: L.Map; incidents: Incident[] }) {
  const { t } = useTranslation('common');
  useEffect(() => {
    const layer = L.layerGroup().addTo(map);
    const labels: { tip: L.Tooltip; incident: Incident }[] = [];
    for (const i of incidents) {
      if (i.state === 'ended') continue;
      const area = areaLayer(i.area as unknown as Area, { color: '#c2410c', weight: 2, fillColor: '#fb923c', fillOpacity: 0.25, interactive: false });
      area.addTo(layer);
      const tip = L.tooltip({ permanent: true, direction: 'center', className: 'incident-label' });
      (area as L.Path).bindTooltip(tip).openTooltip();
      labels.push({ tip, incident: i });
    }
    const update = () => {
      for (const { tip, incident } of labels) tip.setContent(`${incident.title} · ${t('remaining', { time: formatDuration(new Date(incident.endsAt).getTime() - Date.now()) })}`);
    };
    update();
    const timer = setInterval(update, 1000);
    return () => {
      clearInterval(timer);
      layer.remove();
    };
  }, [map, incidents, t]);
  return null;
}
