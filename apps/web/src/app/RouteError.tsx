import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router-dom';

export function RouteError() {
  const { t } = useTranslation();
  const e = useRouteError() as Error | undefined;
  return (
    <div className="panel error-box" role="alert">
      <h1>{t('error.title')}</h1>
      <p>{e?.message ?? String(e)}</p>
      <button type="button" onClick={() => location.reload()}>
        {t('error.reload')}
      </button>
    </div>
  );
}
