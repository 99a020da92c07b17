import { PolicyEngine } from './policy-engine';
import { Action, ACTIONS, CameraInput, ContextInput, IncidentInContext, OrganisationInput, ResourceInput, SHARING_LEVELS, SharingLevel } from './policy.types';
import { ORGS, user } from './testing/fixtures';

/**
 * The default rules as a lawyer reads them: role x organisation kind x camera (own, a partner's in the
 * same country, or one in the other country, with its owner's kind) x the owner's sharing level x
 * action x incident (none; declared by the camera's country; declared by the other country and not
 * accepted; accepted by the camera's country), with the expected outcome and its legal source (see
 * docs/legal.md). Requests state a purpose unless the row says `nopurpose`.
 */
const TABLE = `
# user (country kind role)   camera   owner-kind        sharing          action               incident        outcome             source
CZ fire operator             own      fire              live-anonymized  live.anonymized      none            permit              own processing: GDPR Art. 6(1)(e) with Act 320/2015
CZ fire operator             partner  police            live-anonymized  live.anonymized      none            permit              LED Art. 1(3), 8; owner shares live
CZ fire operator             partner  police            live-anonymized  live.anonymized      none:nopurpose  purpose-required    LED Art. 25(1) justification logged
CZ fire operator             partner  municipality      on-request       live.anonymized      none            not-shared          owner's decision; GDPR Art. 5(1)(c) minimisation
CZ fire operator             partner  municipality      on-request       live.anonymized      own             permit              GDPR Art. 6(1)(d)/(e) in an emergency
CZ fire operator             partner  municipality      on-request       live.raw             own             permit              GDPR Art. 9(2)(c); Act 239/2000 (IRS)
CZ fire operator             partner  municipality      on-request       live.raw             none            forbidden           raw only in an incident: GDPR Art. 5(1)(c), 25
CZ fire operator             partner  municipality      analytics        live.raw             own             not-shared          owner shares counts only
CZ fire operator             partner  municipality      private          analytics.view       none            not-shared          owner shares nothing
CZ fire operator             partner  municipality      analytics        analytics.view       none            permit              GDPR Art. 89(1) statistics
CZ fire operator             partner  municipality      on-request       clip.request         none            permit              GDPR Art. 6(1)(e); owner approves (Art. 5(2))
CZ fire operator             foreign  municipality      on-request       live.anonymized      none            not-shared          PL Art. 9a: municipal footage for its own purposes
CZ fire operator             foreign  municipality      on-request       live.raw             foreign-pending forbidden           dual control: camera's country must accept (PL law governs)
CZ fire operator             foreign  municipality      on-request       live.raw             foreign-accepted permit             accepted by PL: GDPR Art. 6(1)(d), 9(2)(c); CZ-PL emergency agreement
CZ fire operator             foreign  municipality      on-request       recording.anonymized foreign-accepted permit             GDPR Art. 6(1)(d); minimisation by anonymization
CZ fire operator             foreign  fire              live-anonymized  live.anonymized      none            permit              CZ-PL emergency assistance; owner shares live
CZ police operator           foreign  police            live-anonymized  live.raw             own             permit              LED Art. 8, 10 strict necessity; CZ-PL police treaty
CZ police operator           foreign  police            private          live.raw             own             not-shared          owner's decision bounds every rule
CZ police operator           own      police            private          recording.raw        none            permit              own processing: Act 273/2008 § 62, LED Art. 8
CZ ems operator              partner  fire              live-anonymized  live.anonymized      own             no-permit           no legal basis agreed for EMS yet
CZ municipality municipal    own      municipality      on-request       live.anonymized      none            permit              Act 128/2000 § 35: own territory
CZ municipality municipal    partner  municipality      live-anonymized  live.anonymized      none            no-permit           territorial competence: Act 128/2000 § 35
CZ municipality municipal    foreign  municipality      live-anonymized  live.anonymized      none            no-permit           territorial competence: Art. 9a (PL), § 35 (CZ)
CZ municipality municipal    foreign  municipality      on-request       clip.request         none            permit              disclosure on request, owner approves: GDPR Art. 6(1)(e)
CZ municipality municipal    own      municipality      on-request       live.raw             own             forbidden           minimisation: municipalities see anonymized video only
CZ municipality operator     own      municipality      on-request       live.anonymized      none            permit              municipal police: Act 553/1991 (own town)
CZ municipality operator     partner  fire              live-anonymized  live.anonymized      none            no-permit           municipal guard is not a responder of the fire service
CZ municipality operator     partner  fire              live-anonymized  clip.request         none            permit              disclosure on request, owner approves
CZ municipal-police operator foreign  municipality      on-request       analytics.view       none            permit              GDPR Art. 89(1) statistics
PL municipality operator     own      municipality      on-request       live.anonymized      none            permit              Art. 9a; ustawa o strażach gminnych Art. 11 pt 3
PL municipality operator     own      municipality      on-request       recording.anonymized none            permit              Art. 9a(2): processed for the purposes of collection
PL municipality operator     own      municipality      on-request       live.raw             own             forbidden           minimisation: anonymized only
PL municipality operator     partner  municipality      on-request       clip.request         none            permit              disclosure on request, owner approves
PL municipality operator     partner  municipality      on-request       live.anonymized      none            not-shared          territorial competence: Art. 9a
PL municipality operator     foreign  fire              live-anonymized  analytics.view       none            permit              GDPR Art. 89(1) statistics
PL municipality municipal    partner  municipality      live-anonymized  live.anonymized      none            no-permit           territorial competence: Art. 9a
PL police operator           foreign  fire              live-anonymized  live.anonymized      none            permit              LED Art. 1(3); owner shares live
PL police operator           partner  municipality      on-request       live.anonymized      own             permit              ustawa o Policji; emergency declared in PL
PL fire operator             foreign  municipality      on-request       live.raw             foreign-pending forbidden           dual control: CZ must accept
CZ fire legal-officer        own      fire              live-anonymized  clip.approve         -               permit              controller accountability: GDPR Art. 5(2), 24
CZ police legal-officer      partner  fire              live-anonymized  clip.approve         -               no-permit           only the owner discloses its footage
CZ fire legal-officer        own      fire              live-anonymized  audit.read           -               permit              LED Art. 25(2); GDPR Art. 5(2)
CZ municipality legal-officer partner police            live-anonymized  audit.read           -               no-permit           a town's lawyer does not read police logs: LED Art. 25(2)
PL municipality auditor      own      municipality      on-request       audit.read           -               permit              GDPR Art. 39 (DPO monitoring)
PL municipality legal-officer foreign municipality      on-request       audit.read           -               no-permit           each controller's own logs only
CZ fire legal-officer        own      fire              live-anonymized  policy.edit          -               permit              own jurisdiction; co-signatures for others' cameras (gateway)
PL police legal-officer      foreign  fire              live-anonymized  policy.edit          -               foreign-policy-edit each state's law governs its footage
CZ fire operator             own      fire              live-anonymized  incident.declare     -               permit              Act 239/2000 (integrated rescue system)
CZ fire operator             own      fire              live-anonymized  incident.end         -               permit              Act 239/2000
CZ municipality operator     own      municipality      on-request       incident.declare     -               no-permit           CZ: emergencies are declared by the IRS services
PL municipality operator     own      municipality      on-request       incident.declare     -               permit              PL crisis management act: wójt/burmistrz leads (Art. 19)
PL municipality operator     own      municipality      on-request       incident.end         -               permit              as above
PL municipality municipal    own      municipality      on-request       incident.declare     -               no-permit           office staff are not the crisis staff on duty
PL fire operator             foreign  fire              live-anonymized  incident.declare     -               foreign-declare     an incident lies in the declaring country
PL municipality operator     foreign  fire              live-anonymized  incident.accept      -               permit              PL names who accepts a partner's incident over Polish cameras
CZ municipality operator     foreign  municipality      on-request       incident.accept      -               no-permit           CZ names fire and police operators only
`;

const ORG_OF: Record<string, string> = {
  'CZ fire': 'hzs-olk',
  'CZ police': 'pcr-olk',
  'CZ municipality': 'mesto-jesenik',
  'CZ municipal-police': 'mp-jesenik',
  'CZ ems': 'zzs-olk',
  'PL fire': 'psp-nysa',
  'PL police': 'kpp-nysa',
  'PL municipality': 'gmina-nysa',
  'PL municipal-police': 'sm-nysa',
  'PL ems': 'ratownictwo-opole',
};
/** A second organisation of the same country and kind, for "partner" cameras of the user's own kind. */
const OTHER: Record<string, OrganisationInput> = {
  'CZ municipality': { id: 'mesto-zlate-hory', kind: 'municipality', country: 'CZ', regime: 'gdpr' },
  'PL municipality': { id: 'gmina-glucholazy', kind: 'municipality', country: 'PL', regime: 'gdpr' },
  'CZ fire': { id: 'hzs-msk', kind: 'fire', country: 'CZ', regime: 'gdpr' },
  'PL fire': { id: 'psp-prudnik', kind: 'fire', country: 'PL', regime: 'gdpr' },
  'CZ police': { id: 'pcr-msk', kind: 'police', country: 'CZ', regime: 'led' },
  'PL police': { id: 'kpp-prudnik', kind: 'police', country: 'PL', regime: 'led' },
};

interface Row {
  line: string;
  country: string;
  kind: string;
  role: string;
  camera: 'own' | 'partner' | 'foreign';
  ownerKind: string;
  sharing: SharingLevel;
  action: Action;
  incident: string;
  outcome: string;
  source: string;
}

function parse(table: string): Row[] {
  return table
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const [country, kind, role, camera, ownerKind, sharing, action, incident, outcome, ...source] = line.split(/\s+/);
      if (!['own', 'partner', 'foreign'].includes(camera) || !(SHARING_LEVELS as readonly string[]).includes(sharing) || !(ACTIONS as readonly string[]).includes(action))
        throw new Error(`bad row: ${line}`);
      if (source.length === 0) throw new Error(`row without a legal source: ${line}`);
      return {
        line,
        country,
        kind,
        role,
        camera: camera as Row['camera'],
        ownerKind,
        sharing: sharing as SharingLevel,
        action: action as Action,
        incident,
        outcome,
        source: source.join(' '),
      };
    });
}

const other = (country: string) => (country === 'CZ' ? 'PL' : 'CZ');

function cameraOf(r: Row): CameraInput {
  const country = r.camera === 'foreign' ? other(r.country) : r.country;
  let owner: OrganisationInput;
  if (r.camera === 'own') owner = ORGS[ORG_OF[`${r.country} ${r.kind}`]];
  else {
    owner = ORGS[ORG_OF[`${country} ${r.ownerKind}`]];
    if (r.camera === 'partner' && owner.id === ORG_OF[`${r.country} ${r.kind}`]) owner = OTHER[`${country} ${r.ownerKind}`];
  }
  if (!owner) throw new Error(`no ${r.ownerKind} organisation in ${country}: ${r.line}`);
  return { type: 'Camera', id: 'camera-1', owner, jurisdiction: country, kind: 'fixed', lat: 50.3, lon: 17.3, sharing: r.sharing };
}

function contextOf(r: Row, camera: CameraInput): ContextInput {
  const [incident, flag] = r.incident.split(':');
  const purpose = flag === 'nopurpose' ? '' : 'flood response';
  const base = { id: 'incident-1', type: 'flood', severity: 4 };
  const foreign = other(camera.jurisdiction);
  const incidents: IncidentInContext[] = {
    none: [],
    '-': [],
    own: [{ ...base, country: camera.jurisdiction }],
    'foreign-pending': [{ ...base, country: foreign, countries: ['CZ', 'PL'], acceptedIn: [foreign] }],
    'foreign-accepted': [{ ...base, country: foreign, countries: ['CZ', 'PL'], acceptedIn: [foreign, camera.jurisdiction] }],
  }[incident]!;
  if (!incidents) throw new Error(`unknown incident ${incident}`);
  return { incidents, purpose };
}

function resourceOf(r: Row, camera: CameraInput): ResourceInput {
  switch (r.action) {
    case 'clip.approve':
      return { type: 'Clip', id: 'clip-1', camera, requester: ORGS['kpp-nysa'] };
    case 'incident.declare':
    case 'incident.end':
    case 'incident.accept':
      // For accept: an incident declared by the user's neighbour (its jurisdiction), accepted on behalf of the user's country; otherwise one in the camera's country.
      return r.action === 'incident.accept'
        ? { type: 'Incident', id: 'incident-1', jurisdiction: other(r.country), incidentType: 'flood', severity: 4, countries: ['CZ', 'PL'], declaringCountry: other(r.country) }
        : { type: 'Incident', id: 'incident-1', jurisdiction: camera.jurisdiction, incidentType: 'flood', severity: 4 };
    case 'policy.edit':
      return { type: 'Policy', jurisdiction: camera.jurisdiction };
    default:
      return camera;
  }
}

const engine = PolicyEngine.fromDirectory();
const rows = parse(TABLE);

describe('default rules: the legal table (outcome and source per row)', () => {
  it.each(rows.map((r) => [r.line.replace(/\s+/g, ' '), r] as const))('%s', (_, r) => {
    const camera = cameraOf(r);
    const principal = user(ORG_OF[`${r.country} ${r.kind}`], r.role);
    const d = engine.decide({ principal, action: r.action, resource: resourceOf(r, camera), context: contextOf(r, camera) });
    // For incident.declare a "foreign" camera means declaring over the other country alone: the other country's rules decide, and grant nothing to foreigners.
    const expected = r.outcome === 'foreign-declare' ? 'no-permit' : r.outcome;
    expect(d.decision === 'permit' ? 'permit' : d.denial).toBe(expected);
  });
});
