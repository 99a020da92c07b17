/**
 * Policy decisions per second and latency with the default CZ/PL policies, 10,000 cameras and 1,000
 * users, on one thread. Run: `npm run build && npm run bench:policy`. Ends with `RESULT {json}`.
 *
 * Three measurements: the engine as the gateway uses it, from a fresh start (answer cache on; equal
 * Cedar requests are answered from memory, so the first occurrence of each situation pays for Cedar);
 * the same engine on new requests once warm; and every decision evaluated by Cedar (cache off).
 * Requests are generated before timing; each decision is timed on its own for the percentiles.
 */
import { cpus, loadavg } from 'node:os';
import { Action, CameraInput, DecisionRequest, IncidentInContext, OrganisationInput, OrganisationKind, PolicyEngine, PrincipalInput } from '@borderlens/policy';

const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 1_000);
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 200_000);
const UNCACHED_DECISIONS = Number(process.env.BENCH_UNCACHED_DECISIONS ?? 20_000);
const WARMUP = 2_000;

// Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
let seed = 20260915;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}
function weighted<T>(items: readonly [T, number][]): T {
  let r = random() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1][0];
}

// 40 organisations: 4 of each kind in each country.
const kinds: OrganisationKind[] = ['fire', 'police', 'municipality', 'municipal-police', 'ems'];
const organisations: OrganisationInput[] = [];
for (const country of ['CZ', 'PL']) {
  for (const kind of kinds) {
    for (let i = 0; i < 4; i++) organisations.push({ id: `${country}-${kind}-${i}`, kind, country, regime: kind === 'police' ? 'led' : 'gdpr' });
  }
}

const users: PrincipalInput[] = [];
for (let i = 0; i < USERS; i++) {
  const organisation = pick(organisations);
  const municipal = organisation.kind === 'municipality' || organisation.kind === 'municipal-police';
  const role = weighted<string>([
    [municipal ? 'municipal' : 'operator', 75],
    ['legal-officer', 8],
    ['admin', 10],
    ['auditor', 7],
  ]);
  users.push({ id: `user-${i}`, organisation, roles: [role] });
}

const cameras: CameraInput[] = [];
const owners = organisations.filter((o) => o.kind !== 'ems');
for (let i = 0; i < CAMERAS; i++) {
  const owner = pick(owners);
  cameras.push({
    type: 'Camera',
    id: `camera-${i}`,
    owner,
    jurisdiction: owner.country,
    kind: weighted([
      ['fixed', 85],
      ['mobile', 10],
      ['drone', 5],
    ] as const),
    // The Jeseník-Nysa area.
    lat: 50.1 + random() * 0.5,
    lon: 16.9 + random() * 0.6,
  });
}

// A few active incidents, each covering ~2% of the cameras.
const incidentsByCamera = new Map<string, IncidentInContext[]>();
for (let k = 0; k < 3; k++) {
  const incident: IncidentInContext = { id: `incident-${k}`, type: pick(['flood', 'fire', 'missing-person']), severity: 1 + Math.floor(random() * 5), country: pick(['CZ', 'PL']) };
  for (let i = 0; i < CAMERAS * 0.02; i++) {
    const camera = pick(cameras);
    incidentsByCamera.set(camera.id, [...(incidentsByCamera.get(camera.id) ?? []), incident]);
  }
}

const actionMix: [Action, number][] = [
  ['live.anonymized', 55],
  ['live.raw', 15],
  ['recording.anonymized', 6],
  ['recording.raw', 3],
  ['clip.request', 5],
  ['analytics.view', 5],
  ['camera.manage', 3],
  ['audit.read', 3],
  ['clip.approve', 2],
  ['incident.declare', 2],
  ['policy.edit', 1],
];

function request(): DecisionRequest {
  const principal = pick(users);
  const camera = pick(cameras);
  const action = weighted(actionMix);
  const incidents = incidentsByCamera.get(camera.id) ?? [];
  const context = { incidents, purpose: random() < 0.9 ? 'flood response' : '', durationSec: 1800 };
  switch (action) {
    case 'clip.approve':
      return { principal, action, resource: { type: 'Clip', id: `clip-${camera.id}`, camera, requester: pick(organisations) }, context };
    case 'incident.declare':
      return { principal, action, resource: { type: 'Incident', id: 'new', jurisdiction: camera.jurisdiction, incidentType: 'flood', severity: 3 }, context };
    case 'policy.edit':
      return { principal, action, resource: { type: 'Policy', jurisdiction: pick(['CZ', 'PL']) }, context };
    default:
      return { principal, action, resource: camera, context };
  }
}

function requestsOf(n: number): DecisionRequest[] {
  const out: DecisionRequest[] = [];
  for (let i = 0; i < n; i++) out.push(request());
  return out;
}

interface Run {
  decisions: number;
  decisionsPerSec: number;
  /** Per second of this process's CPU time: what one core gives when the machine is shared. */
  cpuDecisionsPerSec: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  permitRate: number;
  cacheHitRate: number;
}

/** Times each decision, after deciding the `warmup` requests untimed. */
function run(engine: PolicyEngine, requests: DecisionRequest[], warmup: DecisionRequest[] = []): Run {
  for (const r of warmup) engine.decide(r);
  const before = engine.stats();
  const latencies = new Float64Array(requests.length);
  let permits = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < requests.length; i++) {
    const t0 = process.hrtime.bigint();
    const d = engine.decide(requests[i]);
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (d.decision === 'permit') permits++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuUsed = process.cpuUsage(cpu);
  const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
  const after = engine.stats();
  latencies.sort();
  const q = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]);
  const evaluations = after.evaluations - before.evaluations;
  return {
    decisions: requests.length,
    decisionsPerSec: Math.round(requests.length / seconds),
    cpuDecisionsPerSec: Math.round(requests.length / cpuSeconds),
    p50Us: q(0.5),
    p99Us: q(0.99),
    maxUs: round(latencies[latencies.length - 1]),
    permitRate: round(permits / requests.length, 3),
    cacheHitRate: evaluations ? round((after.cacheHits - before.cacheHits) / evaluations, 4) : 0,
  };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function main(): void {
  const requests = requestsOf(DECISIONS);
  const crossBorder = requests.filter((r) => {
    const j = r.resource.type === 'Clip' ? r.resource.camera.jurisdiction : r.resource.type === 'Organisation' ? r.resource.country : r.resource.jurisdiction;
    return j !== r.principal.organisation.country;
  }).length;
  console.log(
    `policy bench: ${CAMERAS} cameras, ${USERS} users, ${organisations.length} organisations, ${requests.length} requests (${Math.round((100 * crossBorder) / requests.length)}% cross-border)`,
  );
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const t0 = process.hrtime.bigint();
  const engine = PolicyEngine.fromDirectory();
  const startupMs = round(Number(process.hrtime.bigint() - t0) / 1e6);

  const jitWarmup = requestsOf(WARMUP);
  // A separate engine warms the JIT, so the measured one starts with an empty cache.
  run(PolicyEngine.fromDirectory(undefined, { cacheSize: 0 }), jitWarmup.slice(0, 200), jitWarmup);
  const cached = run(engine, requests);
  const line = (name: string, r: Run) =>
    console.log(
      `${name}: ${r.decisionsPerSec} decisions/s (${r.cpuDecisionsPerSec} per CPU second), p50 ${r.p50Us} us, p99 ${r.p99Us} us, max ${r.maxUs} us, cache hits ${(r.cacheHitRate * 100).toFixed(2)}%, permits ${(r.permitRate * 100).toFixed(1)}%`,
    );
  line('fresh engine, cache on', cached);
  const warm = run(engine, requestsOf(DECISIONS));
  line('warm engine, new requests', warm);

  const uncachedEngine = PolicyEngine.fromDirectory(undefined, { cacheSize: 0 });
  const uncached = run(uncachedEngine, requests.slice(0, UNCACHED_DECISIONS), jitWarmup);
  line('cache off (every decision evaluated by Cedar)', uncached);

  const m0 = process.hrtime.bigint();
  const matrix = engine.matrix(cameras[0]);
  const matrixMs = round(Number(process.hrtime.bigint() - m0) / 1e6);
  const cells = matrix.rows.length * matrix.actions.length * 2;
  console.log(`matrix of one camera: ${cells} decisions in ${matrixMs} ms; engine start-up (validate + pre-parse CZ, PL) ${startupMs} ms`);

  const targetMet = cached.decisionsPerSec >= 10_000 && cached.p99Us < 1000;
  const result = {
    bench: 'policy',
    cameras: CAMERAS,
    users: USERS,
    decisions: cached.decisions,
    crossBorderShare: round(crossBorder / requests.length, 3),
    decisionsPerSec: cached.decisionsPerSec,
    cpuDecisionsPerSec: cached.cpuDecisionsPerSec,
    p50Us: cached.p50Us,
    p99Us: cached.p99Us,
    maxUs: cached.maxUs,
    cacheHitRate: cached.cacheHitRate,
    permitRate: cached.permitRate,
    warm: {
      decisionsPerSec: warm.decisionsPerSec,
      cpuDecisionsPerSec: warm.cpuDecisionsPerSec,
      p50Us: warm.p50Us,
      p99Us: warm.p99Us,
      maxUs: warm.maxUs,
      cacheHitRate: warm.cacheHitRate,
    },
    uncached: {
      decisions: uncached.decisions,
      decisionsPerSec: uncached.decisionsPerSec,
      cpuDecisionsPerSec: uncached.cpuDecisionsPerSec,
      p50Us: uncached.p50Us,
      p99Us: uncached.p99Us,
      maxUs: uncached.maxUs,
    },
    matrixMs,
    startupMs,
    loadAverage: round(loadavg()[0], 2),
    target: { decisionsPerSec: 10_000, p99Us: 1000 },
    targetMet,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

main();
