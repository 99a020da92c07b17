import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useFormat } from '../../i18n/format';
import { useCameras, useClipEvents, type ClipRequest } from '../clips/model';
import '../clips/clips.css';

type Action = 'approve' | 'reject' | 'hold' | 'release';

/**
 * The legal officers' queue: requests they may decide, nearest answer deadline first (overdue marked),
 * approve or reject with a reason; legal hold and its release.
 */
export default function ClipQueuePage() {
  const { t } = useTranslation('clip-queue');
  const [which, setWhich] = useState<'open' | 'all'>('open');
  const cameras = useCameras();
  const queue = useQuery({
    queryKey: ['clip-requests', 'queue', which],
    queryFn: () => unwrap(api.GET('/api/v1/clip-requests/queue', { params: { query: { state: which } } })),
    refetchInterval: 15_000,
  });
  return (
    <div className="page clips">
      <h1>{t('title')}</h1>
      <div className="row" role="radiogroup" aria-label={t('show')}>
        {(['open', 'all'] as const).map((w) => (
          <label key={w} className="radio">
            <input type="radio" name="which" checked={which === w} onChange={() => setWhich(w)} data-testid={`show-${w}`} /> {t(`which.${w}`)}
          </label>
        ))}
      </div>
      {queue.isPending && <Spinner />}
      {queue.error && <ErrorBox error={queue.error} />}
      {queue.data?.length === 0 && <p className="muted">{t('empty')}</p>}
      <ul className="requests" data-testid="queue">
        {queue.data?.map((r) => (
          <QueueItem key={r.id} r={r} camera={cameras.data?.find((c) => c.id === r.cameraId)?.name ?? r.cameraId} />
        ))}
      </ul>
    </div>
  );
}

function QueueItem({ r, camera }: { r: ClipRequest; camera: string }) {
  const { t } = useTranslation('clip-queue');
  const f = useFormat();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  useClipEvents(r);
  const act = useMutation({
    mutationFn: (a: Action) => {
      const opts = { params: { path: { id: r.id } }, body: { reason: reason.trim() } };
      switch (a) {
        case 'approve':
          return unwrap(api.POST('/api/v1/clip-requests/{id}/approve', opts));
        case 'reject':
          return unwrap(api.POST('/api/v1/clip-requests/{id}/reject', opts));
        case 'hold':
          return unwrap(api.POST('/api/v1/clip-requests/{id}/hold', opts));
        case 'release':
          return unwrap(api.POST('/api/v1/clip-requests/{id}/release', opts));
      }
    },
    onSuccess: () => {
      setReason('');
      void qc.invalidateQueries({ queryKey: ['clip-requests'] });
    },
  });
  const pending = r.state === 'submitted';
  const reasonId = `reason-${r.id}`;
  return (
    <li className={`request${r.overdue ? ' overdue' : ''}`} data-testid="queue-item" data-id={r.id} data-state={r.state}>
      <div className="request-head">
        <strong>{camera}</strong>
        <span className={`badge state-${r.state}`} data-testid="state">
          {t(`clips:state.${r.state}`)}
        </span>
        <span className={`badge ${r.form}`}>{t(`clips:forms.${r.form}`)}</span>
        {r.urgent && <span className="badge urgent">{t('urgent')}</span>}
        {r.overdue && (
          <span className="badge overdue" data-testid="overdue">
            {t('overdue')}
          </span>
        )}
        {r.legalHold && <span className="badge hold">{t('clips:mine.legalHold')}</span>}
      </div>
      <dl className="facts">
        <dt>{t('requester')}</dt>
        <dd>
          <span translate="no">{r.requester.user}</span> ({r.requester.organisation}, {r.requester.country})
        </dd>
        <dt>{t('range')}</dt>
        <dd>
          {f.dateTime(r.from)} – {f.time(r.to)}
        </dd>
        <dt>{t('purpose')}</dt>
        <dd>{t(`clips:purposes.${r.purpose}`)}</dd>
        <dt>{t('justification')}</dt>
        <dd>{r.justification}</dd>
        {r.caseReference && (
          <>
            <dt>{t('caseReference')}</dt>
            <dd>{r.caseReference}</dd>
          </>
        )}
        <dt>{t('deadline')}</dt>
        <dd>{r.deadlineAt ? f.dateTime(r.deadlineAt) : t('noDeadline')}</dd>
        {r.decision && (
          <>
            <dt>{t('decision')}</dt>
            <dd>
              <span translate="no">{r.decision.by}</span>, {f.dateTime(r.decision.at)}: {r.decision.reason}
            </dd>
          </>
        )}
        {r.legalHold && r.holdReason && (
          <>
            <dt>{t('holdReason')}</dt>
            <dd>{r.holdReason}</dd>
          </>
        )}
      </dl>
      <div className="decide">
        <label htmlFor={reasonId}>{t('reason')}</label>
        <textarea id={reasonId} rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="reason" />
        <div className="row">
          {pending && (
            <>
              <button type="button" disabled={!reason.trim() || act.isPending} onClick={() => act.mutate('approve')} data-testid="approve">
                {t('approve')}
              </button>
              <button type="button" className="danger" disabled={!reason.trim() || act.isPending} onClick={() => act.mutate('reject')} data-testid="reject">
                {t('reject')}
              </button>
            </>
          )}
          {r.state !== 'expired' && !r.legalHold && (
            <button type="button" className="secondary" disabled={!reason.trim() || act.isPending} onClick={() => act.mutate('hold')} data-testid="hold">
              {t('hold')}
            </button>
          )}
          {r.legalHold && (
            <button type="button" className="secondary" disabled={!reason.trim() || act.isPending} onClick={() => act.mutate('release')} data-testid="release">
              {t('release')}
            </button>
          )}
        </div>
        {act.error && <ErrorBox error={act.error} />}
      </div>
    </li>
  );
}
