import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../api/me';
import type { Schemas } from '../../api/types';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { fetchFile, saveBlob } from '../../shared/download';
import { useFormat } from '../../i18n/format';
import { fromLocalInput, useCameras } from '../clips/model';
import '../clips/clips.css';
import { DateTimeField } from '../../shared/DateTimeField';

type Entry = Schemas['AuditEntryDto'];
const OPERATIONS = ['collection', 'consultation', 'disclosure', 'alteration', 'combination', 'erasure'] as const;
/** Roles the default rules let read the trail (the API decides in the end). */
const READERS = ['auditor', 'legal-officer'];
const PAGE = 200;

interface Filter {
  user: string;
  organisation: string;
  camera: string;
  operation: string;
  crossBorder: boolean;
  from: string;
  to: string;
}
const EMPTY: Filter = { user: '', organisation: '', camera: '', operation: '', crossBorder: false, from: '', to: '' };

/** The filter as query parameters of GET /api/v1/audit and its exports. */
function query(f: Filter): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.user.trim()) q.user = f.user.trim();
  if (f.organisation.trim()) q.organisation = f.organisation.trim();
  if (f.camera) q.camera = f.camera;
  if (f.operation) q.operation = f.operation;
  if (f.crossBorder) q.crossBorder = 'true';
  const from = fromLocalInput(f.from);
  const to = fromLocalInput(f.to);
  if (from) q.from = from.toISOString();
  if (to) q.to = to.toISOString();
  return q;
}

/**
 * The audit trail as far as the reader may read it: filters, an entry's details (justification,
 * policies), verification of the hash chain, and exports of the filtered entries as CSV and PDF.
 */
export default function AuditPage() {
  const { t } = useTranslation('audit');
  const me = useMe();
  const reader = !!me.data?.roles.some((r) => READERS.includes(r));
  return (
    <div className="page clips">
      <h1>{t('title')}</h1>
      {me.data && !reader ? <p className="muted">{t('notReader')}</p> : me.data && <Trail />}
    </div>
  );
}

function Trail() {
  const { t } = useTranslation('audit');
  const f = useFormat();
  const cameras = useCameras();
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [open, setOpen] = useState<string | null>(null);
  const q = query(filter);
  const entries = useQuery({
    queryKey: ['audit', q],
    // The filter's values are the API's own (operation from its enum, times as ISO): strings as they go on the wire.
    queryFn: () => unwrap(api.GET('/api/v1/audit', { params: { query: { ...q, order: 'desc', limit: PAGE } as never } })),
  });
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/api/v1/audit/verify')) });
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const exportAs = async (kind: 'csv' | 'pdf') => {
    setExporting(kind);
    setExportError(null);
    try {
      const file = await fetchFile(`/api/v1/audit/${kind === 'csv' ? 'export.csv' : 'report.pdf'}?${new URLSearchParams(q).toString()}`);
      saveBlob(file.blob, file.name);
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(null);
    }
  };
  const set = (k: keyof Filter) => (e: { target: { value: string; checked?: boolean; type?: string } }) =>
    setDraft({ ...draft, [k]: e.target.type === 'checkbox' ? !!e.target.checked : e.target.value });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
    setOpen(null);
  };
  const cameraName = (id: string) => cameras.data?.find((c) => c.id === id)?.name;
  const selected = entries.data?.find((x) => x.seq === open);

  return (
    <>
      <form className="panel filter" onSubmit={apply} data-testid="audit-filter" aria-label={t('filter.heading')}>
        <div className="row">
          <label>
            {t('filter.user')}
            <input value={draft.user} onChange={set('user')} data-testid="f-user" />
          </label>
          <label>
            {t('filter.organisation')}
            <input value={draft.organisation} onChange={set('organisation')} data-testid="f-organisation" />
          </label>
          <label>
            {t('filter.camera')}
            <select value={draft.camera} onChange={set('camera')} data-testid="f-camera">
              <option value="">{t('filter.any')}</option>
              {cameras.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('filter.operation')}
            <select value={draft.operation} onChange={set('operation')} data-testid="f-operation">
              <option value="">{t('filter.any')}</option>
              {OPERATIONS.map((o) => (
                <option key={o} value={o}>
                  {t(`operation.${o}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="row">
          <DateTimeField label={t('filter.from')} seconds value={draft.from} onChange={(from) => setDraft((d) => ({ ...d, from }))} testId="f-from" />
          <DateTimeField label={t('filter.to')} seconds value={draft.to} onChange={(to) => setDraft((d) => ({ ...d, to }))} testId="f-to" />
          <label className="checkbox">
            <span>
              <input type="checkbox" checked={draft.crossBorder} onChange={set('crossBorder')} data-testid="f-cross-border" /> {t('filter.crossBorder')}
            </span>
          </label>
          <button type="submit" data-testid="apply">
            {t('filter.apply')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(EMPTY);
              setFilter(EMPTY);
            }}
          >
            {t('filter.reset')}
          </button>
        </div>
      </form>

      <div className="row actions">
        <button type="button" className="secondary" onClick={() => verify.mutate()} disabled={verify.isPending} data-testid="verify">
          {t('verify.button')}
        </button>
        <button type="button" className="secondary" onClick={() => void exportAs('csv')} disabled={!!exporting} data-testid="export-csv">
          {t('export.csv')}
        </button>
        <button type="button" className="secondary" onClick={() => void exportAs('pdf')} disabled={!!exporting} data-testid="export-pdf">
          {t('export.pdf')}
        </button>
        {exporting && <span className="muted">{t('export.working')}</span>}
      </div>
      {exportError !== null && <ErrorBox error={exportError} />}
      {verify.error && <ErrorBox error={verify.error} />}
      {verify.data && <ChainResult report={verify.data} />}

      {entries.isPending && <Spinner />}
      {entries.error && <ErrorBox error={entries.error} />}
      {entries.data && (
        <>
          <p className="muted" data-testid="count">
            {entries.data.length >= PAGE ? t('shownMax', { n: entries.data.length }) : t('shown', { n: entries.data.length })}
          </p>
          <div className="audit-layout">
            <table className="table audit-table" data-testid="entries">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('col.time')}</th>
                  <th scope="col">{t('col.actor')}</th>
                  <th scope="col">{t('col.operation')}</th>
                  <th scope="col">{t('col.object')}</th>
                  <th scope="col">{t('col.recipient')}</th>
                  <th scope="col">{t('col.decision')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.map((e) => (
                  <tr key={e.seq} className={open === e.seq ? 'open' : undefined} data-testid="entry" data-seq={e.seq} data-actor={e.actorUser} data-operation={e.operation}>
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => setOpen(open === e.seq ? null : e.seq)}
                        aria-expanded={open === e.seq}
                        aria-label={t('details.open', { seq: e.seq })}
                      >
                        {e.seq}
                      </button>
                    </td>
                    <td>{f.dateTime(e.time)}</td>
                    <td translate="no">
                      {e.actorUser}
                      <br />
                      <span className="muted">
                        {e.actorOrganisation} · {e.actorCountry}
                      </span>
                    </td>
                    <td>{t(`operation.${e.operation}`)}</td>
                    <td translate="no">{describeObject(e.object, cameraName)}</td>
                    <td translate="no">{e.recipient}</td>
                    <td translate="no">{e.decision}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {selected && <Details e={selected} onClose={() => setOpen(null)} />}
          </div>
        </>
      )}
    </>
  );
}

function describeObject(object: string, cameraName: (id: string) => string | undefined): string {
  const [kind, id] = object.split(/:(.*)/s);
  const name = kind === 'camera' && id ? cameraName(id) : undefined;
  return name ? `${name} (${object})` : object;
}

function ChainResult({ report }: { report: Schemas['ChainReportDto'] }) {
  const { t } = useTranslation('audit');
  const brk = report.firstBreak as unknown as { seq: string; reason: string } | undefined;
  return (
    <div className={`chain ${report.ok ? 'ok' : 'broken'}`} role="status" data-testid="chain" data-ok={String(report.ok)}>
      <strong>{report.ok ? t('verify.ok', { n: report.entries }) : t('verify.broken', { n: report.entries })}</strong>
      {brk && <p data-testid="first-break">{t('verify.firstBreak', { seq: brk.seq, reason: brk.reason })}</p>}
      <p className="muted small">
        {t('verify.lastHash')} <code translate="no">{report.lastHash}</code>
      </p>
    </div>
  );
}

function Details({ e, onClose }: { e: Entry; onClose: () => void }) {
  const { t } = useTranslation('audit');
  const f = useFormat();
  return (
    <aside className="panel details" aria-label={t('details.heading', { seq: e.seq })} data-testid="details">
      <div className="row">
        <h2>{t('details.heading', { seq: e.seq })}</h2>
        <button type="button" className="secondary small" onClick={onClose}>
          {t('details.close')}
        </button>
      </div>
      <dl className="facts">
        <dt>{t('col.time')}</dt>
        <dd>{f.dateTime(e.time)}</dd>
        <dt>{t('col.actor')}</dt>
        <dd translate="no">
          {e.actorUser} ({e.actorOrganisation}, {e.actorCountry})
        </dd>
        <dt>{t('col.operation')}</dt>
        <dd>{t(`operation.${e.operation}`)}</dd>
        <dt>{t('details.justification')}</dt>
        <dd data-testid="justification">{e.justification || '—'}</dd>
        <dt>{t('details.policies')}</dt>
        <dd translate="no" data-testid="policies">
          {e.policyIds.length ? e.policyIds.join(', ') : '—'}
        </dd>
        <dt>{t('details.details')}</dt>
        <dd>
          <pre translate="no">{JSON.stringify(e.details, null, 2)}</pre>
        </dd>
        <dt>{t('details.hash')}</dt>
        <dd>
          <code translate="no">{e.hash}</code>
        </dd>
        <dt>{t('details.prevHash')}</dt>
        <dd>
          <code translate="no">{e.prevHash}</code>
        </dd>
      </dl>
    </aside>
  );
}
