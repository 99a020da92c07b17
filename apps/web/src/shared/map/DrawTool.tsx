import L from 'leaflet';
import { useEffect } from 'react';

export type DrawMode = 'circle' | 'polygon' | null;
export type DrawnArea = { type: 'Circle'; center: [number, number]; radiusMeters: number } | { type: 'Polygon'; coordinates: [number, number][][] };

/**
 * Draws an incident area on the map: a circle (click the centre, then click at the edge) or a polygon
 * (click each corner; click the first corner again or double-click to close). Reports the area in
 * the API's GeoJSON order (lon, lat). A few lines of our own instead of a drawing plugin.
 */
export function DrawTool({ map, mode, onArea }: { map: L.Map; mode: DrawMode; onArea: (a: DrawnArea | null) => void }) {
  useEffect(() => {
    if (!mode) return;
    const layer = L.layerGroup().addTo(map);
    const style: L.PathOptions = { color: '#c2410c', weight: 2, dashArray: '6 4', fillColor: '#fb923c', fillOpacity: 0.2, interactive: false };
    const container = map.getContainer();
    container.classList.add('drawing');
    map.doubleClickZoom.disable();
    let center: L.LatLng | null = null;
    let circle: L.Circle | null = null;
    const points: L.LatLng[] = [];
    let shape: L.Polyline | L.Polygon | null = null;
    let done = false;

    const finishPolygon = () => {
      if (points.length < 3) return;
      done = true;
      shape?.remove();
      shape = L.polygon(points, { ...style, dashArray: undefined }).addTo(layer);
      const ring = points.map((p) => [round(p.lng), round(p.lat)] as [number, number]);
      onArea({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
    };
    const redraw = (extra?: L.LatLng) => {
      shape?.remove();
      const pts = extra ? [...points, extra] : points;
      shape = (pts.length >= 3 ? L.polygon(pts, style) : L.polyline(pts, style)).addTo(layer);
    };

    const onClick = (e: L.LeafletMouseEvent) => {
      if (done) return;
      if (mode === 'circle') {
        if (!center) {
          center = e.latlng;
          circle = L.circle(center, { radius: 1, ...style }).addTo(layer);
          L.circleMarker(center, { radius: 3, color: '#c2410c', interactive: false }).addTo(layer);
        } else {
          done = true;
          const r = Math.max(50, Math.round(map.distance(center, e.latlng)));
          circle!.setRadius(r);
          circle!.setStyle({ dashArray: undefined });
          onArea({ type: 'Circle', center: [round(center.lng), round(center.lat)], radiusMeters: r });
        }
        return;
      }
      // Polygon: a click near the first corner closes it.
      if (points.length >= 3 && map.latLngToContainerPoint(points[0]).distanceTo(e.containerPoint) < 12) return finishPolygon();
      points.push(e.latlng);
      L.circleMarker(e.latlng, { radius: 4, color: '#c2410c', fillOpacity: 1, interactive: false }).addTo(layer);
      redraw();
    };
    const onMove = (e: L.LeafletMouseEvent) => {
      if (done) return;
      if (mode === 'circle' && center && circle) circle.setRadius(map.distance(center, e.latlng));
      if (mode === 'polygon' && points.length) redraw(e.latlng);
    };
    const onDbl = () => finishPolygon();
    map.on('click', onClick);
    map.on('mousemove', onMove);
    map.on('dblclick', onDbl);
    return () => {
      map.off('click', onClick);
      map.off('mousemove', onMove);
      map.off('dblclick', onDbl);
      map.doubleClickZoom.enable();
      container.classList.remove('drawing');
      layer.remove();
    };
  }, [map, mode, onArea]);
  return null;
}

/** ~1 m is plenty for an incident area. */
function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
