import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useOrganisations } from '../../api/data';
import { ErrorBox } from '../../shared/ErrorBox';
import { useFormat } from '../../i18n/format';
import { fromLocalInput, PURPOSES, toLocalInput, type CameraInfo, type ClipCheck, type CreateClipRequest } from './model';
import { DateTimeField } from '../../shared/DateTimeField';

/** Waits for typing to pause before asking the rules. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/**
 * The request: range, form, purpose, justification, case reference, urgency. While the officer fills
 * it in, the rules answer (POST …/check): denied with the reasons, allowed, or approval needed and by whom.
 */
export function RequestForm({ camera, range, onRange }: { camera: CameraInfo; range: { from: Date; to: Date } | null; onRange: (r: { from: Date; to: Date }) => void }) {
  const { t } = useTranslation('clips');
  const qc = useQueryClient();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [form, setForm] = useState<'anonymized' | 'raw'>('anonymized');
  const [purpose, setPurpose] = useState<(typeof PURPOSES)[number]>('infrastructure-damage');
  const [justification, setJustification] = useState('');
  const [caseReference, setCaseReference] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [sent, setSent] = useState<string | null>(null);

  // The timeline's pick fills the range fields.
  useEffect(() => {
    if (!range) return;
    setFrom(toLocalInput(range.from));
    setTo(toLocalInput(range.to));
  }, [range]);

  const a = fromLocalInput(from);
  const b = fromLocalInput(to);
  const body: CreateClipRequest | null =
    a && b && justification.trim()
      ? {
          cameraId: camera.id,
          from: a.toISOString(),
          to: b.toISOString(),
          form,
          purpose,
          justification: justification.trim(),
          ...(caseReference.trim() ? { caseReference: caseReference.trim() } : {}),
          urgent,
        }
      : null;
  const asked = useDebounced(body, 400);
  const check = useQuery({
    queryKey: ['clip-check', asked],
    enabled: !!asked,
    queryFn: () => unwrap(api.POST('/api/v1/clip-requests/check', { body: asked! })),
  });
  const current = check.data && asked && JSON.stringify(asked) === JSON.stringify(body) ? check.data : null;
  const submit = useMutation({
    mutationFn: (b: CreateClipRequest) => unwrap(api.POST('/api/v1/clip-requests', { body: b })),
    onSuccess: (r) => {
      setSent(r.id);
      setJustification('');
      setCaseReference('');
      void qc.invalidateQueries({ queryKey: ['clip-requests'] });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (body) submit.mutate(body);
  };
  const syncRange = () => {
    if (a && b && b > a) onRange({ from: a, to: b });
  };

  return (
    <section className="panel" aria-labelledby="form-heading">
      <h2 id="form-heading">{t('form.heading', { camera: camera.name })}</h2>
      <form onSubmit={onSubmit} className="request-form" data-testid="request-form">
        <div className="row">
          <DateTimeField label={t('form.from')} seconds required value={from} onChange={setFrom} onBlur={syncRange} testId="from" />
          <DateTimeField label={t('form.to')} seconds required value={to} onChange={setTo} onBlur={syncRange} testId="to" />
          <fieldset className="inline">
            <legend>{t('form.form')}</legend>
            {(['anonymized', 'raw'] as const).map((x) => (
              <label key={x} className="radio">
                <input type="radio" name="form" value={x} checked={form === x} onChange={() => setForm(x)} data-testid={`form-${x}`} /> {t(`forms.${x}`)}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="row">
          <label>
            {t('form.purpose')}
            <select value={purpose} onChange={(e) => setPurpose(e.target.value as (typeof PURPOSES)[number])} data-testid="purpose">
              {PURPOSES.map((p) => (
                <option key={p} value={p}>
                  {t(`purposes.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('form.caseReference')}
            <input value={caseReference} maxLength={100} onChange={(e) => setCaseReference(e.target.value)} data-testid="case-reference" />
          </label>
          <label className="checkbox">
            <span>
              <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} data-testid="urgent" /> {t('form.urgent')}
            </span>
          </label>
        </div>
        <label className="wide">
          {t('form.justification')}
          <textarea rows={3} required maxLength={2000} value={justification} onChange={(e) => setJustification(e.target.value)} data-testid="justification" />
        </label>
        <div aria-live="polite">
          {!body && <p className="muted">{t('check.incomplete')}</p>}
          {body && check.isFetching && !current && <p className="muted">{t('check.asking')}</p>}
          {check.error && <ErrorBox error={check.error} />}
          {body && current && <CheckAnswer check={current} />}
        </div>
        <button type="submit" disabled={!body || !current || current.outcome === 'denied' || current.problems.length > 0 || submit.isPending} data-testid="submit">
          {t('form.submit')}
        </button>
        {submit.error && <ErrorBox error={submit.error} />}
        {sent && !submit.isPending && !submit.error && (
          <p className="ok" role="status" data-testid="sent">
            {t('form.sent')}
          </p>
        )}
      </form>
    </section>
  );
}

function CheckAnswer({ check }: { check: ClipCheck }) {
  const { t } = useTranslation('clips');
  const f = useFormat();
  const orgs = useOrganisations();
  const maxSec = check.obligations.maxDurationSec as number | undefined;
  // The owner by its name, as the other screens show organisations (its id until the list has come).
  const organisation = orgs.data?.get(check.owner.organisation)?.name ?? check.owner.organisation;
  return (
    <div className={`check ${check.outcome}`} data-testid="check" data-outcome={check.outcome}>
      <strong>{t(`check.outcome.${check.outcome}`, { organisation, country: check.owner.country })}</strong>
      {check.outcome === 'approval' && check.deadlineAt && <p>{t('check.deadline', { time: f.dateTime(check.deadlineAt) })}</p>}
      {check.crossBorder && <p>{t('check.crossBorder', { country: check.owner.country })}</p>}
      {check.outcome !== 'denied' && (
        <ul className="obligations">
          {check.obligations.watermark === true && <li>{t('check.watermark')}</li>}
          {maxSec !== undefined && <li>{t('check.maxDuration', { minutes: Math.floor(maxSec / 60) })}</li>}
        </ul>
      )}
      {check.reasons.length > 0 && (
        <ul className="reasons" data-testid="check-reasons">
          {check.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {check.problems.length > 0 && (
        <ul className="problems" data-testid="problems">
          {check.problems.map((p) => (
            <li key={p.code}>{t(`problems.${p.code}`, { defaultValue: p.message })}</li>
          ))}
        </ul>
      )}
      {check.policies.length > 0 && (
        <p className="muted small" translate="no">
          {check.policies.join(', ')}
        </p>
      )}
    </div>
  );
}
