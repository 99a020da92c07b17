// Writes src/generated/base-layer.json: the offline base layer of the map (no tile server needed):
// the borders of Czechia, Poland and their neighbours from Natural Earth 1:10m (world-atlas, public
// domain), coordinates rounded to ~100 m, and the towns of the Jeseník-Nysa region (towns.json).
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { feature } = require('topojson-client');

const ISO = { 203: 'CZ', 616: 'PL', 276: 'DE', 703: 'SK', '040': 'AT' };
const topo = require('world-atlas/countries-10m.json');
const round = (c) => (Array.isArray(c[0]) ? c.map(round) : [Math.round(c[0] * 1000) / 1000, Math.round(c[1] * 1000) / 1000]);
const countries = feature(topo, topo.objects.countries)
  .features.filter((f) => ISO[f.id])
  .map((f) => ({ type: 'Feature', properties: { country: ISO[f.id] }, geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } }));
const towns = JSON.parse(readFileSync(join(__dirname, 'towns.json'), 'utf8'));
const out = join(__dirname, '../src/generated/base-layer.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ countries: { type: 'FeatureCollection', features: countries }, towns }));
