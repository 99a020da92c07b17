import { useTranslation } from 'react-i18next';
import type { Camera, CameraAccess } from '../api/types';

/** One letter on the map pin per access level (the legend explains them). */
export const ACCESS_LETTER: Record<CameraAccess['access'], string> = { raw: 'R', anonymized: 'A', clip: 'C', none: '–' };

export function CountryBadge({ country }: { country: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${country.toLowerCase()}`} title={t(`common:country.${country}`, { defaultValue: country })}>
      {country}
    </span>
  );
}

export function StateBadge({ state }: { state: Camera['state'] }) {
  const { t } = useTranslation();
  return <span className={`badge state-${state}`}>{t(`common:cameraState.${state}`)}</span>;
}

export function AccessBadge({ access }: { access: CameraAccess['access'] | undefined }) {
  const { t } = useTranslation();
  const a = access ?? 'none';
  return <span className={`badge access-${a}`}>{t(`common:access.${a}`)}</span>;
}
