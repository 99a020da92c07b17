import { PolicyEngine } from './policy-engine';
import { pickReason, reasonLanguage, reasonsOf } from './reasons';
import { CAMERAS, user } from './testing/fixtures';

const LIVE = 'action == BorderLens::Action::"live.anonymized", resource is BorderLens::Camera';

describe('pickReason: the reason in the language asked, else English', () => {
  const all = { en: 'Drones are not shared', cs: 'Drony se nesdílejí', pl: 'Drony nie są udostępniane' };

  it('picks the language', () => {
    expect(pickReason(all, 'cs')).toBe('Drony se nesdílejí');
    expect(pickReason(all, 'pl')).toBe('Drony nie są udostępniane');
    expect(pickReason(all, 'en')).toBe('Drones are not shared');
    expect(pickReason(all)).toBe('Drones are not shared');
  });

  it('falls back to English (@reason), and to none without it', () => {
    expect(pickReason({ en: 'Drones are not shared', cs: 'Drony se nesdílejí' }, 'pl')).toBe('Drones are not shared');
    expect(pickReason({ cs: 'Drony se nesdílejí' }, 'pl')).toBeUndefined();
    expect(pickReason({}, 'cs')).toBeUndefined();
    expect(pickReason(undefined, 'cs')).toBeUndefined();
  });

  it('reads @reason, @reason_cs, @reason_pl; blank ones count as absent', () => {
    expect(reasonsOf({ id: 'x', reason: ' Why ', reason_cs: 'Proč', reason_pl: '  ', watermark: 'true' })).toEqual({ en: 'Why', cs: 'Proč' });
  });
});

describe('reasonLanguage: Accept-Language to cs, pl or en', () => {
  it.each([
    ['cs', 'cs'],
    ['pl', 'pl'],
    ['en', 'en'],
    ['cs-CZ,cs;q=0.9,en;q=0.8', 'cs'],
    ['pl-PL', 'pl'],
    ['PL', 'pl'],
    ['de-DE,pl;q=0.5,en;q=0.7', 'en'],
    ['de-DE,pl;q=0.5', 'pl'],
    ['en;q=0.2, cs;q=0.9', 'cs'],
    ['cs;q=0, pl', 'pl'],
    ['de', 'en'],
    ['*', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    [['pl', 'en'], 'pl'],
  ] as const)('%j -> %s', (header, language) => {
    expect(reasonLanguage(header as string | string[] | undefined)).toBe(language);
  });
});

describe("PolicyEngine: reasons in the principal's language", () => {
  const text = `
    @id("own") @reason("The owner's staff watch") @reason_cs("Zaměstnanci vlastníka sledují")
    permit (principal, ${LIVE}) when { principal in resource.owner };
    @id("no-drones") @reason("Drone footage is not shared") @reason_cs("Záběry z dronů se nesdílejí") @reason_pl("Nagrania z dronów nie są udostępniane")
    forbid (principal, ${LIVE}) when { resource.kind == "drone" };`;
  const engine = new PolicyEngine({ CZ: { version: 1, text } });
  const drone = CAMERAS['cz-jesenik-drone'];
  const station = CAMERAS['cz-fire-station'];
  const decide = (language: string | undefined, camera = drone, who = user('mesto-jesenik', 'municipal')) =>
    engine.decide({ principal: { ...who, language }, action: 'live.anonymized', resource: camera });

  it("a forbid's reason in Czech, Polish, English; English without a language or for another one", () => {
    expect(decide('cs').reasons).toEqual(['Zakázáno pravidlem CZ „no-drones“: Záběry z dronů se nesdílejí']);
    expect(decide('pl-PL,pl;q=0.9').reasons).toEqual(['Zabronione przez regułę CZ „no-drones”: Nagrania z dronów nie są udostępniane']);
    expect(decide('en').reasons).toEqual(['Forbidden by CZ rule "no-drones": Drone footage is not shared']);
    expect(decide(undefined).reasons).toEqual(decide('en').reasons);
    expect(decide('de').reasons).toEqual(decide('en').reasons);
  });

  it("a permit's reason falls back to English where the rule has none in the language", () => {
    const own = user('hzs-olk', 'operator');
    expect(decide('cs', station, own).reasons).toEqual(['Povoleno pravidlem CZ „own“: Zaměstnanci vlastníka sledují']);
    expect(decide('pl', station, own).reasons).toEqual(["Dozwolone przez regułę CZ „own”: The owner's staff watch"]);
  });

  it("the engine's own explanations are in the language too; the decision is the same", () => {
    const other = user('pcr-olk', 'operator');
    const en = decide('en', station, other);
    const cs = decide('cs', station, other);
    expect(cs).toEqual({ ...en, reasons: ['Žádné pravidlo CZ nepovoluje akci live.anonymized tomuto uživateli u tohoto zdroje'] });
    expect(decide('pl', station, other).reasons).toEqual(['Żadna reguła CZ nie zezwala na live.anonymized temu użytkownikowi wobec tego zasobu']);
  });
});
