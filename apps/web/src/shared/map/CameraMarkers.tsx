import L from 'leaflet';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Camera, CameraAccess } from '../../api/types';
import { ACCESS_LETTER } from '../camera-labels';
import { clusterByDistance } from './cluster';

/** Screen distance (px) within which pins join a cluster; from this zoom on every camera has its own pin. */
const CLUSTER_RADIUS = 36;
const CLUSTER_UNTIL_ZOOM = 16;

export interface CameraMarkersProps {
  map: L.Map;
  cameras: Camera[];
  /**
   * `pins`: lettered pins (what the user may see, from `access`), chosen with `onSelect`; `dots`: small
   * dots without letters that take no click (a click on one goes to the map, e.g. to draw there).
   */
  look: 'pins' | 'dots';
  access?: Map<string, CameraAccess>;
  selected?: string | null;
  onSelect?: (id: string) => void;
  /** Whether choosing a cluster zooms in on it (default); when not, a click on it goes to the map. */
  clustersInteractive?: boolean;
}

/**
 * The cameras on a map, as the map screen and the incidents screen show them: colour = country,
 * dashed = offline. Pins that would overlap at the current zoom join a cluster showing how many
 * cameras it holds, coloured by their countries (outlined red when one of them may be watched raw);
 * choosing it zooms in on them.
 */
export function CameraMarkers({ map, cameras, look, access, selected = null, onSelect, clustersInteractive = true }: CameraMarkersProps) {
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
        if (look === 'dots') dot(c).addTo(layer);
        else pin(c, a, `${c.name} (${c.jurisdiction}, ${t(`common:cameraState.${c.state}`)}, ${t(`common:access.${a}`)})`, selected === c.id, onSelect).addTo(layer);
        continue;
      }
      const bounds = L.latLngBounds(group.map((c) => [c.latitude, c.longitude] as L.LatLngTuple));
      const byCountry = new Map<string, number>();
      for (const c of group) byCountry.set(c.jurisdiction, (byCountry.get(c.jurisdiction) ?? 0) + 1);
      const countries = [...byCountry].sort(([a], [b]) => a.localeCompare(b));
      const offline = group.filter((c) => c.state !== 'online').length;
      const raw = group.some((c) => access?.get(c.id)?.access === 'raw');
      const label = t('map:cluster', { count: group.length, countries: countries.map(([k, n]) => `${k} ${n}`).join(', '), offline });
      // One colour per country, in proportion (a pie); the count in white on it, as on the pins.
      let from = 0;
      const pie = countries.map(([k, n]) => {
        const to = from + (n / group.length) * 100;
        const part = `var(--${k.toLowerCase()}, #475569) ${from}% ${to}%`;
        from = to;
        return part;
      });
      const classes = `cam-cluster${raw ? ' access-raw' : ''}${offline === group.length ? ' offline' : ''}${group.some((c) => c.id === selected) ? ' selected' : ''}`;
      const marker = L.marker(bounds.getCenter(), {
        title: label,
        alt: label,
        interactive: clustersInteractive,
        keyboard: clustersInteractive,
        icon: L.divIcon({
          className: 'cam-icon',
          html: `<span class="${classes}" style="background: conic-gradient(${pie.join(', ')})" data-cluster-size="${group.length}" data-camera-ids="${group.map((c) => c.id).join(' ')}">${group.length}</span>`,
          iconSize: [34, 34],
          iconAnchor: [17, 17],
        }),
      });
      if (clustersInteractive) {
        marker.on('click', () => map.fitBounds(bounds.pad(0.5), { maxZoom: CLUSTER_UNTIL_ZOOM }));
        marker.bindTooltip(label, { direction: 'top', offset: [0, -16] });
      }
      marker.addTo(layer);
    }
    return () => {
      layer.remove();
    };
  }, [map, zoom, cameras, look, access, selected, onSelect, clustersInteractive, t]);
  return null;
}

/** A lettered pin: what the user may see; chosen with onSelect. */
function pin(c: Camera, a: CameraAccess['access'], label: string, selected: boolean, onSelect?: (id: string) => void): L.Marker {
  const marker = L.marker([c.latitude, c.longitude], {
    title: label,
    alt: label,
    icon: L.divIcon({
      className: 'cam-icon',
      html: `<span class="cam-pin ${c.jurisdiction.toLowerCase()} ${c.state} access-${a}${selected ? ' selected' : ''}" data-camera-id="${c.id}">${ACCESS_LETTER[a]}</span>`,
      iconSize: [26, 26],
      iconAnchor: [13, 13],
    }),
  });
  if (onSelect) marker.on('click', () => onSelect(c.id));
  marker.bindTooltip(c.name, { direction: 'top', offset: [0, -12] });
  return marker;
}

/** A small dot that takes no click. */
function dot(c: Camera): L.Marker {
  return L.marker([c.latitude, c.longitude], {
    interactive: false,
    keyboard: false,
    icon: L.divIcon({
      className: 'cam-icon',
      html: `<span class="cam-pin small-pin ${c.jurisdiction.toLowerCase()} ${c.state}" data-camera-id="${c.id}" title="${escapeHtml(c.name)}"></span>`,
      iconSize: [14, 14],
      iconAnchor: [7, 7],
    }),
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
