import { useTranslation } from 'react-i18next';
import { useUiConfig } from '../../app/config';
import { useFormat } from '../../i18n/format';

/** About: what BorderLens is, its licence, and the versions of the app, the gateway and the main libraries. */
export default function AboutPage() {
  const { t } = useTranslation('about');
  const cfg = useUiConfig();
  const f = useFormat();
  const rows: [string, string][] = [
    [t('app'), __VERSIONS__.app],
    [t('built'), f.dateTime(__VERSIONS__.built)],
    [t('gateway'), cfg.version],
    ['React', __VERSIONS__.react],
    ['Leaflet', __VERSIONS__.leaflet],
    ['keycloak-js', __VERSIONS__.keycloak],
    ['i18next', __VERSIONS__.i18next],
    ['TanStack Query', __VERSIONS__.query],
  ];
  return (
    <div className="page narrow">
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      <p>{t('licence')}</p>
      <h2>{t('versions')}</h2>
      <table className="table" data-testid="versions">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('mapData')}</p>
    </div>
  );
}
