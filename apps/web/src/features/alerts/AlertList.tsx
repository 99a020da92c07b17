import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useFormat } from '../../i18n/format';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useAcknowledge, useAlerts, useAnyCounting, useCameras } from '../analytics/api';
import { useLive } from '../analytics/live';

/**
 * Analytics alerts the user may see (those of cameras whose counts they may see), with acknowledge.
 * New alerts arrive over the app's live stream and refresh the list at once.
 */
export function AlertList({ state, cameraId }: { state: 'open' | 'all'; cameraId?: string }) {
  const { t } = useTranslation('alerts');
  const f = useFormat();
  const qc = useQueryClient();
  const alerts = useAlerts(state);
  const ack = useAcknowledge();
  const cameras = useCameras();
  const liveAlerts = useLive(useAnyCounting()).alerts;
  useEffect(() => {
    if (liveAlerts.length) void qc.invalidateQueries({ queryKey: ['analytics', 'alerts'] });
  }, [liveAlerts, qc]);
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c.name]));
  if (alerts.isPending) return <Spinner />;
  if (alerts.isError) return <ErrorBox error={alerts.error} />;
  const rows = alerts.data.filter((a) => !cameraId || a.cameraId === cameraId);
  return (
    <div className="alert-list" data-testid="alert-list">
      {ack.isError && <ErrorBox error={ack.error} />}
      {rows.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('raisedAt')}</th>
              {!cameraId && <th scope="col">{t('camera')}</th>}
              <th scope="col">{t('message')}</th>
              <th scope="col">{t('state')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid="alert" data-alert={a.id}>
                <td>{f.dateTime(a.raisedAt)}</td>
                {!cameraId && (
                  <td>
                    <Link to={`/analytics/${a.cameraId}`}>{names.get(a.cameraId) ?? a.cameraId}</Link>
                  </td>
                )}
                <td>{a.message}</td>
                <td>
                  {a.acknowledgedAt ? (
                    <span data-testid="acknowledged">{t('acknowledgedBy', { user: a.acknowledgedBy, time: f.dateTime(a.acknowledgedAt) })}</span>
                  ) : (
                    <button type="button" className="small" disabled={ack.isPending} onClick={() => ack.mutate(a.id)} data-testid="acknowledge">
                      {t('acknowledge')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{state === 'open' ? t('noneOpen') : t('none')}</p>
      )}
    </div>
  );
}
