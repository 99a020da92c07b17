import { useTranslation } from 'react-i18next';
import { useAnyCounting } from './api';
import { personsAndVehicles } from './counts';
import { useLive } from './live';

/**
 * Persons and vehicles in a camera's zones now, for the map next to each camera (and the camera list
 * of the analytics screen): from the app's one live stream, so it costs no request per camera.
 * Renders nothing for a camera whose counts the user may not see or that counts nothing.
 */
export function CameraCounts({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation('analytics');
  const live = useLive(useAnyCounting(cameraId)).counts.get(cameraId);
  if (!live) return null;
  const { persons, vehicles } = personsAndVehicles(live.zones, live.minCount);
  return (
    <span className="camera-counts" data-testid="camera-counts" data-camera={cameraId} title={t('countsNow')}>
      <span>
        <span className="visually-hidden">{t('personsNow', { value: String(persons) })}</span>
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <circle cx="8" cy="4" r="3" fill="currentColor" />
          <path d="M3 15c0-4 2-6 5-6s5 2 5 6z" fill="currentColor" />
        </svg>
        <span aria-hidden="true">{persons}</span>
      </span>
      <span>
        <span className="visually-hidden">{t('vehiclesNow', { value: String(vehicles) })}</span>
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <path d="M2 10l2-5h8l2 5v3h-2v-1H4v1H2z" fill="currentColor" />
        </svg>
        <span aria-hidden="true">{vehicles}</span>
      </span>
    </span>
  );
}
