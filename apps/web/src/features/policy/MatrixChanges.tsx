import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useMatrixDiff, type DraftChoice, type MatrixCell, type Obligations } from './api';

/** What a draft opens, closes or changes (obligations) on one camera, compared to the active rules. */
export function MatrixChanges({ jurisdiction, cameraId, draft }: { jurisdiction: string; cameraId?: string; draft?: DraftChoice }) {
  const { t } = useTranslation('policy');
  const diff = useMatrixDiff(jurisdiction, cameraId, draft);
  if (!cameraId || !draft) return null;
  if (diff.isPending) return <Spinner />;
  if (diff.isError) return <ErrorBox error={diff.error} />;
  const changes = diff.data.changes;
  const counts = { opens: 0, closes: 0, obligations: 0 };
  for (const c of changes) counts[c.change]++;
  return (
    <div data-testid="matrix-changes">
      <p>{changes.length ? t('diff.summary', counts) : t('diff.none')}</p>
      {changes.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">{t('diff.who')}</th>
              <th scope="col">{t('diff.action')}</th>
              <th scope="col">{t('diff.situation')}</th>
              <th scope="col">{t('diff.change')}</th>
              <th scope="col">{t('diff.before')}</th>
              <th scope="col">{t('diff.after')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={`${c.label}|${c.action}|${c.situation}`} data-change={c.change}>
                <td>{c.label}</td>
                <td>
                  <code>{c.action}</code>
                </td>
                <td>{t(`situation.${c.situation}`)}</td>
                <td>
                  <span className={`badge change-${c.change}`}>{t(`change.${c.change}`)}</span>
                </td>
                <td>
                  <Cell cell={c.before} />
                </td>
                <td>
                  <Cell cell={c.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function Cell({ cell }: { cell: MatrixCell }) {
  const { t } = useTranslation('policy');
  return (
    <span>
      <span className={`decision ${cell.decision}`}>{t(`decision.${cell.decision}`)}</span>
      {cell.decision === 'permit' && cell.obligations ? <ObligationList obligations={cell.obligations} /> : null}
    </span>
  );
}

export function ObligationList({ obligations }: { obligations: Obligations }) {
  const { t } = useTranslation('policy');
  const items: string[] = [];
  if (obligations.anonymize) items.push(t('obligation.anonymize'));
  if (obligations.watermark) items.push(t('obligation.watermark'));
  if (obligations.purposeRequired) items.push(t('obligation.purposeRequired'));
  if (obligations.ownerApproval) items.push(t('obligation.ownerApproval'));
  if (obligations.maxDurationSec !== undefined) items.push(t('obligation.maxDuration', { minutes: Math.round(obligations.maxDurationSec / 60) }));
  if (!items.length) return null;
  return <span className="obligations"> ({items.join(', ')})</span>;
}
