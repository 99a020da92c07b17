import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAnyCounting } from '../analytics/api';
import { useLive } from '../analytics/live';
import { AlertList } from './AlertList';

/** Alerts of the analytics rules (crowds in a zone, crossing rates), live, with acknowledge. */
export default function AlertsPage() {
  const { t } = useTranslation('alerts');
  const [state, setState] = useState<'open' | 'all'>('open');
  const counting = useAnyCounting();
  const connected = useLive(counting).connected;
  return (
    <div className="page">
      <h1>{t('title')}</h1>
      <div className="toolbar">
        <fieldset className="buckets">
          <legend>{t('show')}</legend>
          {(['open', 'all'] as const).map((s) => (
            <label key={s} className="inline">
              <input type="radio" name="state" value={s} checked={state === s} onChange={() => setState(s)} />
              {s === 'open' ? t('open') : t('all')}
            </label>
          ))}
        </fieldset>
        {counting && (
          <span className={connected ? 'live-dot on' : 'live-dot'} data-testid="live-state">
            {connected ? t('liveOn') : t('liveOff')}
          </span>
        )}
      </div>
      <AlertList state={state} />
    </div>
  );
}
