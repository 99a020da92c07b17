import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { diffLines } from 'diff';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../../api/client';
import { useMe } from '../../api/me';
import { useFormat } from '../../i18n/format';
import { Dialog } from '../../shared/Dialog';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useOrganisations } from '../../api/data';
import { useVersion, type PolicyVersion } from './api';
import { MatrixChanges } from './MatrixChanges';

interface Props {
  jurisdiction: string;
  canEdit: boolean;
  versions: PolicyVersion[];
  cameras: { id: string; name: string }[];
  cameraId?: string;
  openVersion: (v: number) => void;
}

type Pending = { kind: 'activate'; version: number } | { kind: 'rollback'; version: number };

/** Every version (drafts for those who may edit), a text diff of any two, activation, rollback and co-signatures. */
export function HistoryTab({ jurisdiction, canEdit, versions, cameras, cameraId, openVersion }: Props) {
  const { t } = useTranslation('policy');
  const f = useFormat();
  const me = useMe();
  const orgs = useOrganisations();
  const orgName = (id: string) => orgs.data?.get(id)?.name ?? id;
  const active = versions.find((v) => v.state === 'active');
  const [pending, setPending] = useState<Pending | null>(null);
  const [cosignFor, setCosignFor] = useState<number | null>(null);
  const [from, setFrom] = useState<number | undefined>(undefined);
  const [to, setTo] = useState<number | undefined>(undefined);
  const a = from ?? versions[1]?.version ?? versions[0]?.version;
  const b = to ?? versions[0]?.version;
  const isLegal = !!me.data?.roles.includes('legal-officer');

  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t('history.heading')}</h2>
      <table className="table compact" data-testid="versions">
        <thead>
          <tr>
            <th scope="col">{t('history.version')}</th>
            <th scope="col">{t('history.state')}</th>
            <th scope="col">{t('history.created')}</th>
            <th scope="col">{t('history.reason')}</th>
            <th scope="col">{t('history.activated')}</th>
            <th scope="col">{t('history.cosignatures')}</th>
            <th scope="col">{t('history.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version} data-state={v.state}>
              <th scope="row">{v.version}</th>
              <td>
                <span className={`badge state-${v.state}`}>{t(`state.${v.state}`)}</span>
                {v.sourceVersion ? <div className="small">{t('history.repeats', { version: v.sourceVersion })}</div> : null}
              </td>
              <td className="small">
                <span translate="no">{v.createdBy}</span>
                <br />
                {f.dateTime(v.createdAt)}
              </td>
              <td className="small">{v.reason}</td>
              <td className="small">
                {v.activatedAt ? (
                  <>
                    <span translate="no">{v.activatedBy}</span>, {f.dateTime(v.activatedAt)}
                    <br />
                    {v.activationReason}
                  </>
                ) : null}
              </td>
              <td className="small">
                {v.cosignatures.map((c) => (
                  <div key={c.organisationId}>
                    {orgName(c.organisationId)}: <span translate="no">{c.by}</span>
                  </div>
                ))}
              </td>
              <td className="actions">
                <button type="button" className="secondary small" onClick={() => openVersion(v.version)}>
                  {t('history.open')}
                </button>
                {canEdit && v.state === 'draft' && (
                  <button type="button" className="small" onClick={() => setPending({ kind: 'activate', version: v.version })} data-testid={`activate-${v.version}`}>
                    {t('history.activate')}
                  </button>
                )}
                {canEdit && v.state === 'retired' && v.version !== active?.version && (
                  <button type="button" className="small danger" onClick={() => setPending({ kind: 'rollback', version: v.version })} data-testid={`rollback-${v.version}`}>
                    {t('history.rollback')}
                  </button>
                )}
                {isLegal && v.state === 'draft' && (
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => setCosignFor(cosignFor === v.version ? null : v.version)}
                    data-testid={`cosignatures-${v.version}`}
                  >
                    {t('history.cosignatures')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cosignFor !== null && <Cosignatures jurisdiction={jurisdiction} version={cosignFor} orgName={orgName} />}

      <h3>{t('history.diffHeading')}</h3>
      <div className="toolbar">
        <label>
          {t('history.from')}
          <select value={a ?? ''} onChange={(e) => setFrom(Number(e.target.value))} data-testid="diff-from">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                {t('versionLabel', { version: v.version, state: t(`state.${v.state}`) })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('history.to')}
          <select value={b ?? ''} onChange={(e) => setTo(Number(e.target.value))} data-testid="diff-to">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                {t('versionLabel', { version: v.version, state: t(`state.${v.state}`) })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {a !== undefined && b !== undefined && <TextDiff jurisdiction={jurisdiction} from={a} to={b} />}

      {pending && (
        <ConfirmChange
          key={`${pending.kind}-${pending.version}`}
          jurisdiction={jurisdiction}
          pending={pending}
          cameras={cameras}
          initialCamera={cameraId}
          orgName={orgName}
          onClose={() => setPending(null)}
          onCosign={(v) => {
            setPending(null);
            setCosignFor(v);
          }}
        />
      )}
    </section>
  );
}

function TextDiff({ jurisdiction, from, to }: { jurisdiction: string; from: number; to: number }) {
  const { t } = useTranslation('policy');
  const a = useVersion(jurisdiction, from);
  const b = useVersion(jurisdiction, to);
  const parts = useMemo(() => (a.data?.text !== undefined && b.data?.text !== undefined ? diffLines(a.data.text, b.data.text) : null), [a.data?.text, b.data?.text]);
  if (a.isError) return <ErrorBox error={a.error} />;
  if (b.isError) return <ErrorBox error={b.error} />;
  if (!parts) return <Spinner />;
  const changed = parts.some((p) => p.added || p.removed);
  if (!changed) return <p data-testid="text-diff">{t('history.same')}</p>;
  const label = t('history.diffLabel', { from, to });
  // Long unchanged stretches fold to their first and last lines.
  return (
    <figure className="text-diff-box">
      <figcaption className="visually-hidden">{label}</figcaption>
      <pre className="text-diff" data-testid="text-diff">
        {parts.map((p, i) => {
          const lines = p.value.replace(/\n$/, '').split('\n');
          if (p.added || p.removed) {
            return (
              <span key={i} className={p.added ? 'added' : 'removed'}>
                {lines.map((l) => `${p.added ? '+' : '-'} ${l}\n`).join('')}
              </span>
            );
          }
          const shown = lines.length > 6 ? [...lines.slice(0, 2), `… ${t('history.unchanged', { n: lines.length - 4 })}`, ...lines.slice(-2)] : lines;
          return <span key={i}>{shown.map((l) => `  ${l}\n`).join('')}</span>;
        })}
      </pre>
    </figure>
  );
}

function Cosignatures({ jurisdiction, version, orgName }: { jurisdiction: string; version: number; orgName: (id: string) => string }) {
  const { t } = useTranslation('policy');
  const qc = useQueryClient();
  const me = useMe();
  const status = useQuery({
    queryKey: ['policies', jurisdiction, 'cosignatures', version],
    queryFn: () => unwrap(api.GET('/api/v1/policies/{jurisdiction}/versions/{version}/cosignatures', { params: { path: { jurisdiction, version } } })),
  });
  const [reason, setReason] = useState('');
  const cosign = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/policies/{jurisdiction}/versions/{version}/cosign', { params: { path: { jurisdiction, version } }, body: { reason: reason.trim() } })),
    onSuccess: async () => {
      setReason('');
      await qc.invalidateQueries({ queryKey: ['policies', jurisdiction] });
    },
  });
  const mine = me.data?.organisation;
  const signed = status.data?.cosignatures.some((c) => c.organisationId === mine);
  return (
    <div className="panel" data-testid="cosign-panel">
      <h3>{t('cosign.heading', { version })}</h3>
      {status.isPending ? (
        <Spinner />
      ) : status.isError ? (
        <ErrorBox error={status.error} />
      ) : (
        <>
          <p>{status.data.required.length ? t('cosign.required', { list: status.data.required.map(orgName).join(', ') }) : t('cosign.noneRequired')}</p>
          {status.data.missing.length > 0 && <p data-testid="cosign-missing">{t('cosign.missing', { list: status.data.missing.map(orgName).join(', ') })}</p>}
          <ul>
            {status.data.cosignatures.map((c) => (
              <li key={c.organisationId}>
                {t('cosign.signed', { organisation: orgName(c.organisationId) })} <span translate="no">{c.by}</span>: {c.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {!signed && mine && (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            cosign.mutate();
          }}
        >
          <label className="grow">
            {t('cosign.reason', { organisation: orgName(mine) })}
            <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} data-testid="cosign-reason" />
          </label>
          <button type="submit" disabled={!reason.trim() || cosign.isPending} data-testid="cosign">
            {t('cosign.submit')}
          </button>
        </form>
      )}
      {cosign.isError && <ErrorBox error={cosign.error} />}
      {cosign.isSuccess && <p role="status">{t('cosign.done')}</p>}
    </div>
  );
}

function ConfirmChange(props: {
  jurisdiction: string;
  pending: Pending;
  cameras: { id: string; name: string }[];
  initialCamera?: string;
  orgName: (id: string) => string;
  onClose: () => void;
  onCosign: (version: number) => void;
}) {
  const { jurisdiction, pending, cameras, orgName, onClose } = props;
  const { t } = useTranslation('policy');
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [cameraId, setCameraId] = useState(props.initialCamera ?? cameras[0]?.id);
  const run = useMutation({
    mutationFn: () =>
      pending.kind === 'activate'
        ? unwrap(
            api.POST('/api/v1/policies/{jurisdiction}/versions/{version}/activate', {
              params: { path: { jurisdiction, version: pending.version } },
              body: { reason: reason.trim() },
            }),
          )
        : unwrap(api.POST('/api/v1/policies/{jurisdiction}/rollback', { params: { path: { jurisdiction } }, body: { reason: reason.trim(), toVersion: pending.version } })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['policies'] });
      onClose();
    },
  });
  const missing =
    run.error instanceof ApiError && run.error.code === 'policy_cosignatures_missing' ? (((run.error.details as { missing?: string[] })?.missing ?? []) as string[]) : null;
  return (
    <Dialog title={t(`confirm.${pending.kind}Title`, { version: pending.version })} onClose={onClose} testId="confirm-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <p>{t(`confirm.${pending.kind}Text`, { version: pending.version })}</p>
        <label>
          {t('sim.camera')}
          <select value={cameraId ?? ''} onChange={(e) => setCameraId(e.target.value)} data-testid="confirm-camera">
            {cameras.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <MatrixChanges jurisdiction={jurisdiction} cameraId={cameraId} draft={{ draftVersion: pending.version }} />
        <label className="block">
          {t('confirm.reason')}
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} rows={2} data-testid="confirm-reason" />
        </label>
        {missing ? (
          <div className="error-box" role="alert" data-testid="cosignatures-missing">
            <strong>{t('confirm.missingTitle')}</strong>
            <p>{t('cosign.missing', { list: missing.map(orgName).join(', ') })}</p>
            <button type="button" className="secondary small" onClick={() => props.onCosign(pending.version)}>
              {t('confirm.showCosignatures')}
            </button>
          </div>
        ) : run.isError ? (
          <ErrorBox error={run.error} />
        ) : null}
        <div className="toolbar end">
          <button type="button" className="secondary" onClick={onClose}>
            {t('confirm.cancel')}
          </button>
          <button type="submit" className={pending.kind === 'rollback' ? 'danger' : undefined} disabled={!reason.trim() || run.isPending} data-testid="confirm">
            {t(pending.kind === 'activate' ? 'history.activate' : 'history.rollback')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
