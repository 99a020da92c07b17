import type { Action, Country, PolicyRole, SharingLevel } from './policy.types';

/**
 * The languages reasons are given in. A rule's `@reason("…")` is English and the fallback;
 * `@reason_cs("…")` and `@reason_pl("…")` give it in Czech and Polish. The engine's own explanations
 * (no permit, forbidden by, purpose required, not shared, …) exist in each language.
 */
export const REASON_LANGUAGES = ['en', 'cs', 'pl'] as const;
export type ReasonLanguage = (typeof REASON_LANGUAGES)[number];

/** A rule's reason per language, as its annotations give it (`en`: `@reason`). */
export type PolicyReasons = Partial<Record<ReasonLanguage, string>>;

/** The annotation that holds a rule's reason in a language: `reason`, `reason_cs`, `reason_pl`. */
export function reasonAnnotation(language: ReasonLanguage): string {
  return language === 'en' ? 'reason' : `reason_${language}`;
}

/** A rule's reasons from its annotations; a blank one counts as absent. */
export function reasonsOf(annotations: Record<string, string>): PolicyReasons {
  const out: PolicyReasons = {};
  for (const language of REASON_LANGUAGES) {
    const text = annotations[reasonAnnotation(language)]?.trim();
    if (text) out[language] = text;
  }
  return out;
}

/**
 * The one place that picks the reason shown to a user: the rule's reason in the language, else its
 * English `@reason`, else none.
 */
export function pickReason(reasons: PolicyReasons | undefined, language: ReasonLanguage = 'en'): string | undefined {
  return reasons?.[language] ?? reasons?.en;
}

/**
 * The language to give reasons in for an HTTP Accept-Language header ("pl-PL,pl;q=0.9,en;q=0.8") or a
 * bare language ("cs"): the supported language with the highest weight, else English.
 */
export function reasonLanguage(header: string | readonly string[] | null | undefined): ReasonLanguage {
  const text = Array.isArray(header) ? header.join(',') : typeof header === 'string' ? header : '';
  let best: ReasonLanguage = 'en';
  let bestQ = 0;
  for (const part of text.slice(0, 1000).split(',')) {
    const [tag, ...params] = part.trim().split(';');
    const language = tag.trim().toLowerCase().split('-')[0];
    if (!(REASON_LANGUAGES as readonly string[]).includes(language)) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    if (Number.isFinite(weight) && weight > bestQ) [best, bestQ] = [language as ReasonLanguage, weight];
  }
  return best;
}

/** A rule named in a message: `CZ "rule-id"` with the language's quotation marks. */
function quote(language: ReasonLanguage, text: string): string {
  return language === 'cs' ? `„${text}“` : language === 'pl' ? `„${text}”` : `"${text}"`;
}

const SHARING_LABELS: Record<Exclude<ReasonLanguage, 'en'>, Record<SharingLevel, string>> = {
  cs: { private: 'Soukromá', analytics: 'Jen počty', 'on-request': 'Na žádost', 'live-anonymized': 'Živě, anonymizovaně' },
  pl: { private: 'Prywatna', analytics: 'Tylko liczby', 'on-request': 'Na wniosek', 'live-anonymized': 'Na żywo, zanonimizowana' },
};

/** The engine's own explanations, in each language; a rule's reason follows a forbid or a permit. */
export const ENGINE_MESSAGES = {
  noPolicySet(language: ReasonLanguage, jurisdiction: Country): string {
    if (language === 'cs') return `Pro ${jurisdiction} není nastavena žádná sada pravidel`;
    if (language === 'pl') return `Dla ${jurisdiction} nie skonfigurowano żadnego zestawu zasad`;
    return `No policy set is configured for ${jurisdiction}`;
  },
  foreignPolicyEdit(language: ReasonLanguage, jurisdiction: Country): string {
    if (language === 'cs') return `Pravidla ${jurisdiction} mohou upravovat pouze uživatelé z ${jurisdiction}`;
    if (language === 'pl') return `Zasady ${jurisdiction} mogą edytować wyłącznie użytkownicy z ${jurisdiction}`;
    return `Policies of ${jurisdiction} can only be edited by users from ${jurisdiction}`;
  },
  forbidden(language: ReasonLanguage, jurisdiction: Country, id: string, reason: string | undefined): string {
    const why = reason ? `: ${reason}` : '';
    if (language === 'cs') return `Zakázáno pravidlem ${jurisdiction} ${quote(language, id)}${why}`;
    if (language === 'pl') return `Zabronione przez regułę ${jurisdiction} ${quote(language, id)}${why}`;
    return `Forbidden by ${jurisdiction} rule "${id}"${why}`;
  },
  permitted(language: ReasonLanguage, jurisdiction: Country, id: string, role: PolicyRole, reason: string | undefined): string {
    const why = reason ? `: ${reason}` : '';
    const side = role === 'local' ? '' : ` (${language === 'pl' && role === 'export' ? 'eksport' : role})`;
    if (language === 'cs') return `Povoleno pravidlem ${jurisdiction} ${quote(language, id)}${side}${why}`;
    if (language === 'pl') return `Dozwolone przez regułę ${jurisdiction} ${quote(language, id)}${side}${why}`;
    return `Permitted by ${jurisdiction} rule "${id}"${side}${why}`;
  },
  noPermit(language: ReasonLanguage, jurisdiction: Country, role: PolicyRole, action: Action, from: Country, to: Country): string {
    if (language === 'cs') {
      if (role === 'export') return `Žádné pravidlo ${jurisdiction} nepovoluje akci ${action} uživatelům z ${from} (export z ${jurisdiction})`;
      if (role === 'import') return `Žádné pravidlo ${jurisdiction} nepovoluje akci ${action} u zdrojů, které se řídí právem ${to} (import do ${jurisdiction})`;
      return `Žádné pravidlo ${jurisdiction} nepovoluje akci ${action} tomuto uživateli u tohoto zdroje`;
    }
    if (language === 'pl') {
      if (role === 'export') return `Żadna reguła ${jurisdiction} nie zezwala na ${action} użytkownikom z ${from} (eksport z ${jurisdiction})`;
      if (role === 'import') return `Żadna reguła ${jurisdiction} nie zezwala na ${action} wobec zasobów podlegających prawu ${to} (import do ${jurisdiction})`;
      return `Żadna reguła ${jurisdiction} nie zezwala na ${action} temu użytkownikowi wobec tego zasobu`;
    }
    if (role === 'export') return `No ${jurisdiction} rule permits ${action} for users from ${from} (export from ${jurisdiction})`;
    if (role === 'import') return `No ${jurisdiction} rule permits ${action} on resources under ${to} law (import into ${jurisdiction})`;
    return `No ${jurisdiction} rule permits ${action} for this user and resource`;
  },
  purposeRequired(language: ReasonLanguage, action: Action, rules: { jurisdiction: Country; id: string }[]): string {
    const named = rules.map((r) => `${r.jurisdiction} ${quote(language, r.id)}`).join(', ');
    if (language === 'cs') return `Pro akci ${action} je nutné uvést účel (vyžaduje to ${named})`;
    if (language === 'pl') return `Dla ${action} należy podać cel (wymaga tego ${named})`;
    return `A purpose must be given for ${action} (required by ${named})`;
  },
  notShared(language: ReasonLanguage, level: SharingLevel, action: Action, incident: boolean, shared: readonly Action[]): string {
    if (language === 'cs') {
      const outside = incident ? '' : ' mimo mimořádnou událost platnou pro její zemi';
      return `Vlastník kamery ji sdílí s úrovní ${quote(language, SHARING_LABELS.cs[level])}: akce ${action} se s jinými organizacemi${outside} nesdílí (sdílí se: ${shared.join(', ') || 'nic'})`;
    }
    if (language === 'pl') {
      const outside = incident ? '' : ' poza zdarzeniem obowiązującym w jej kraju';
      return `Właściciel kamery udostępnia ją na poziomie ${quote(language, SHARING_LABELS.pl[level])}: ${action} nie jest udostępniane innym organizacjom${outside} (udostępniane: ${shared.join(', ') || 'nic'})`;
    }
    const outside = incident ? '' : ' outside an incident in effect for its country';
    return `The camera's owner shares it as "${level}": ${action} is not shared with other organisations${outside} (shared: ${shared.join(', ') || 'nothing'})`;
  },
};
