import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useAreaSeries } from './api';
import { sumShown, type Series } from './counts';

/**
 * What an incident's area holds, summed over the cameras inside it whose counts the user may see:
 * for the incident view. Occupancy is the latest 5-minute bucket; crossings are the last hour's.
 */
export function AreaCounts({ incidentId }: { incidentId: string }) {
  const { t } = useTranslation('analytics');
  const q = useAreaSeries(incidentId, 60, '5m');
  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorBox error={q.error} />;
  const { series, minCount, cameraIds } = q.data;
  const value = (s: Series) =>
    s.measure === 'occupancy'
      ? (s.points.at(-1)?.value ?? 0)
      : sumShown(
          s.points.map((p) => p.value),
          minCount,
        );
  return (
    <section className="area-counts" data-testid="area-counts" aria-label={t('area.title')}>
      <p className="muted">{t('area.cameras', { n: cameraIds?.length ?? 0 })}</p>
      {series.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('measure.title')}</th>
              <th scope="col">{t('class.title')}</th>
              <th scope="col">{t('direction.title')}</th>
              <th scope="col">{t('value')}</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={`${s.kind}|${s.cls}|${s.direction ?? ''}`}>
                <td>{t(`measure.${s.measure}`)}</td>
                <td>{t(`class.${s.cls}`)}</td>
                <td>{s.direction ? t(`direction.${s.direction}`) : '–'}</td>
                <td className="num">{String(value(s))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t('noData')}</p>
      )}
    </section>
  );
}
