import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { errorText } from './error-text';

/** An API error as the user should read it: its text in the UI's language (errorText), or the policies' reasons when it was a denial. */
export function ErrorBox({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="error-box" role="alert">
      <strong>
        {e ? t(`common:errorStatus.${e.status === 403 ? 'denied' : e.status === 404 ? 'notFound' : e.status >= 500 ? 'server' : 'request'}`) : t('common:error.title')}
      </strong>
      {!e?.reasons.length && <p>{e ? errorText(e, i18n) : ((error as Error)?.message ?? String(error))}</p>}
      {e?.reasons.length ? (
        <ul className="reasons" data-testid="reasons">
          {e.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
