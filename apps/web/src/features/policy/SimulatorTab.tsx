import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useOrganisations } from '../../api/data';
import { ACTIONS, ROLES, useMatrix, type DraftChoice, type SimulatedDecision } from './api';
import { Cell, MatrixChanges, ObligationList } from './MatrixChanges';

interface Props {
  jurisdiction: string;
  cameras: { id: string; name: string }[];
  cameraId?: string;
  setCameraId: (id: string) => void;
  draft?: DraftChoice;
  draftLabel: string;
}

/** The simulator: one decision (active rules and draft side by side), what the draft changes on a camera, and the full matrix. */
export function SimulatorTab({ jurisdiction, cameras, cameraId, setCameraId, draft, draftLabel }: Props) {
  const { t } = useTranslation('policy');
  const orgs = useOrganisations();
  const [organisationId, setOrganisationId] = useState('');
  const [role, setRole] = useState<string>('operator');
  const [purpose, setPurpose] = useState('');
  const [incident, setIncident] = useState(false);
  const [showMatrix, setShowMatrix] = useState(false);
  const orgList = [...(orgs.data?.values() ?? [])];
  const org = organisationId || orgList[0]?.id || '';

  const decide = useMutation({
    mutationFn: async () => {
      const body = { user: { organisationId: org, roles: [role] }, cameraId: cameraId!, context: { incident, ...(purpose.trim() ? { purpose: purpose.trim() } : {}) } };
      const run = async (d?: DraftChoice) =>
        (await unwrap(api.POST('/api/v1/policies/{jurisdiction}/simulate', { params: { path: { jurisdiction } }, body: { ...body, ...d } as never }))) as unknown as {
          results: SimulatedDecision[];
          versions: Record<string, number>;
        };
      const [active, drafted] = await Promise.all([run(), draft ? run(draft) : Promise.resolve(undefined)]);
      return { active, drafted };
    },
  });
  const matrix = useMatrix(jurisdiction, cameraId, draft, showMatrix);

  return (
    <section aria-labelledby="sim-heading">
      <h2 id="sim-heading">{t('sim.heading')}</h2>
      <p className="muted" data-testid="draft-label">
        {draftLabel}
      </p>
      <label>
        {t('sim.camera')}
        <select value={cameraId ?? ''} onChange={(e) => setCameraId(e.target.value)} data-testid="sim-camera">
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>

      <h3>{t('sim.changesHeading')}</h3>
      {draft ? <MatrixChanges jurisdiction={jurisdiction} cameraId={cameraId} draft={draft} /> : <p className="muted">{t('sim.noDraft')}</p>}

      <h3>{t('sim.decisionHeading')}</h3>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          decide.mutate();
        }}
      >
        <label>
          {t('sim.organisation')}
          <select value={org} onChange={(e) => setOrganisationId(e.target.value)} data-testid="sim-organisation">
            {orgList.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.country})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('sim.role')}
          <select value={role} onChange={(e) => setRole(e.target.value)} data-testid="sim-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          {t('sim.purpose')}
          <input value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={500} data-testid="sim-purpose" />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={incident} onChange={(e) => setIncident(e.target.checked)} data-testid="sim-incident" />
          {t('sim.incident')}
        </label>
        <button type="submit" disabled={!cameraId || !org || decide.isPending} data-testid="sim-run">
          {t('sim.run')}
        </button>
      </form>
      {decide.isError && <ErrorBox error={decide.error} />}
      {decide.data && (
        <table className="table compact" data-testid="sim-results">
          <thead>
            <tr>
              <th scope="col">{t('diff.action')}</th>
              <th scope="col">{t('sim.active')}</th>
              {decide.data.drafted && <th scope="col">{t('sim.draft')}</th>}
              <th scope="col">{t('sim.rules')}</th>
              <th scope="col">{t('sim.reasons')}</th>
            </tr>
          </thead>
          <tbody>
            {decide.data.active.results.map((a) => {
              const d = decide.data.drafted?.results.find((r) => r.action === a.action);
              const shown = d ?? a;
              return (
                <tr key={a.action} data-action={a.action} className={d && d.decision !== a.decision ? 'changed' : undefined}>
                  <th scope="row">
                    <code>{a.action}</code>
                  </th>
                  <td>
                    <Decision r={a} />
                  </td>
                  {decide.data.drafted && <td>{d ? <Decision r={d} /> : null}</td>}
                  <td>
                    {shown.policies.flatMap((p) =>
                      p.ids.map((id) => (
                        <code key={`${p.jurisdiction}:${id}`} className="rule-id">
                          {p.jurisdiction}:{id}
                        </code>
                      )),
                    )}
                  </td>
                  <td className="small" translate="no">
                    {shown.reasons.join('; ')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <h3>{t('sim.matrixHeading')}</h3>
      {!showMatrix ? (
        <button type="button" className="secondary" onClick={() => setShowMatrix(true)} disabled={!cameraId} data-testid="show-matrix">
          {t('sim.showMatrix')}
        </button>
      ) : matrix.isPending ? (
        <Spinner />
      ) : matrix.isError ? (
        <ErrorBox error={matrix.error} />
      ) : (
        <div className="scroll-x">
          <table className="table compact matrix" data-testid="matrix">
            <caption className="muted">
              {t('sim.matrixCaption', {
                versions: Object.entries(matrix.data.versions)
                  .map(([k, v]) => `${k}@${v}`)
                  .join(', '),
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('diff.who')}</th>
                {ACTIONS.filter((a) => matrix.data.actions.includes(a)).map((a) => (
                  <th scope="col" key={a}>
                    <code>{a}</code>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.data.rows.map((row) => (
                <tr key={row.label}>
                  <th scope="row">{row.label}</th>
                  {ACTIONS.filter((a) => matrix.data.actions.includes(a)).map((a) => {
                    const c = row.cells[a];
                    return (
                      <td key={a}>
                        {c ? (
                          <>
                            <div>
                              {t('situation.now')}: <Cell cell={c.now} />
                            </div>
                            <div>
                              {t('situation.incident')}: <Cell cell={c.incident} />
                            </div>
                          </>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Decision({ r }: { r: SimulatedDecision }) {
  const { t } = useTranslation('policy');
  return (
    <span data-decision={r.decision}>
      <span className={`decision ${r.decision}`}>{t(`decision.${r.decision}`)}</span>
      {r.decision === 'permit' ? (
        <ObligationList obligations={r.obligations} />
      ) : r.denial ? (
        <span className="muted"> ({t(`denial.${r.denial}`, { defaultValue: r.denial })})</span>
      ) : null}
    </span>
  );
}
