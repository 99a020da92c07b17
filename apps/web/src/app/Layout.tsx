import { Suspense, useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useMatches } from 'react-router-dom';
import { useMe } from '../api/me';
import { signOut } from '../auth/keycloak';
import { LANGUAGES, setLanguage, type Language } from '../i18n';
import { Spinner } from '../shared/Spinner';
import { screens } from './routes';

/** Header (user, organisation, country, language, sign-out), the menu and the current screen. */
export function Layout() {
  const { t, i18n } = useTranslation(['common', ...screens.map((s) => s.name)]);
  const queryClient = useQueryClient();
  // The API answers in the UI's language (the policies' reasons): ask again in the new one.
  const changeLanguage = (l: Language) => void setLanguage(l).then(() => queryClient.invalidateQueries());
  const me = useMe();
  const roles = me.data?.roles ?? [];
  const current = (useMatches().at(-1)?.handle as { screen?: string } | undefined)?.screen;
  useEffect(() => {
    document.title = current ? `${t(`${current}:title`)} · BorderLens` : 'BorderLens';
  }, [current, t, i18n.language]);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('common:skipToContent')}
      </a>
      <header className="app-header">
        <NavLink to="/" className="brand" aria-label={t('common:home')}>
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <circle cx="16" cy="16" r="14" fill="#60a5fa" />
            <circle cx="16" cy="16" r="6" fill="#fff" />
          </svg>
          BorderLens
        </NavLink>
        <nav aria-label={t('common:menu')} className="app-nav">
          {screens
            .filter((s) => s.menu && (!s.roles || s.roles.some((r) => roles.includes(r))))
            .map((s) => (
              <NavLink key={s.name} to={`/${s.name}`} data-screen={s.name}>
                {t(`${s.name}:title`)}
              </NavLink>
            ))}
        </nav>
        <div className="user-box">
          {me.data && (
            <span className="user" data-testid="user">
              <strong>{me.data.name || me.data.username}</strong>
              <span className="org">
                {me.data.organisationName ?? me.data.organisation} ·{' '}
                <abbr title={t(`common:country.${me.data.country}`, { defaultValue: me.data.country })}>{me.data.country}</abbr>
              </span>
            </span>
          )}
          <label className="lang">
            <span className="visually-hidden">{t('common:language')}</span>
            <select value={i18n.language} onChange={(e) => changeLanguage(e.target.value as Language)} data-testid="language">
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`common:languageName.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <NavLink to="/about" className="about-link">
            {t('about:title')}
          </NavLink>
          <button type="button" className="secondary" onClick={() => signOut()} data-testid="sign-out">
            {t('common:signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
