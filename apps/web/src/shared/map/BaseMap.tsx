import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useUiConfig } from '../../app/config';
import './map.css';

/** The Jeseník-Nysa region. */
const REGION: L.LatLngBoundsExpression = [
  [50.12, 16.95],
  [50.56, 17.62],
];

interface BaseLayer {
  countries: GeoJSON.FeatureCollection;
  towns: { name: string; country: string; lat: number; lon: number; rank: number }[];
}

/**
 * The offline base layer shipped with the app: country borders (Natural Earth) and the region's
 * towns; no request leaves the machine. Loaded with the map's code, not with the first screen.
 */
async function offlineLayer(): Promise<L.LayerGroup> {
  const data = (await import('../../generated/base-layer.json')).default as unknown as BaseLayer;
  const group = L.layerGroup();
  L.geoJSON(data.countries, {
    interactive: false,
    style: (f) => ({
      color: '#475569',
      weight: 2,
      fillColor: f?.properties?.country === 'CZ' ? '#eef2ff' : f?.properties?.country === 'PL' ? '#fff1f2' : '#f1f5f9',
      fillOpacity: 1,
    }),
  }).addTo(group);
  for (const t of data.towns) {
    L.marker([t.lat, t.lon], {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: `town town-rank-${t.rank}`, html: `<span class="town-dot"></span><span class="town-name">${t.name}</span>`, iconSize: undefined }),
    }).addTo(group);
  }
  return group;
}

/**
 * A Leaflet map (no WebGL) of the region with the configured base layer: web.tileUrl when set, else
 * the offline layer. Children get the map once it exists.
 */
export function BaseMap({ children, className, label }: { children?: (map: L.Map) => ReactNode; className?: string; label: string }) {
  const cfg = useUiConfig();
  const div = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  useEffect(() => {
    const m = L.map(div.current!, { zoomSnap: 0.25, minZoom: 7, maxZoom: 18, attributionControl: true });
    m.fitBounds(REGION);
    let cancelled = false;
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 }).addTo(m);
    } else {
      m.attributionControl.addAttribution('Natural Earth');
      void offlineLayer().then((g) => !cancelled && g.addTo(m));
    }
    setMap(m);
    return () => {
      cancelled = true;
      m.remove();
      setMap(null);
    };
  }, [cfg.tileUrl, cfg.tileAttribution]);
  return (
    <div className={`base-map ${className ?? ''}`}>
      <div ref={div} className="base-map-canvas" role="region" aria-label={label} data-testid="map" />
      {map && children?.(map)}
    </div>
  );
}
