import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Camera, CameraAccess, Organisation } from '../../api/types';
import { CountryBadge } from '../../shared/camera-labels';
import { wall } from '../../shared/wall';
import { Player, type Form } from './Player';

interface Props {
  index: number;
  cameraId: string | null;
  form: Form;
  cameras: Camera[];
  /** The camera list is still loading. */
  camerasLoading: boolean;
  access?: Map<string, CameraAccess>;
  orgs?: Map<string, Organisation>;
  selected: boolean;
  onSelect: () => void;
}

/** A tile of the wall: the camera, its owner and country, the player, full-screen; or a picker when empty. */
export function Tile({ index, cameraId, form, cameras, camerasLoading, access, orgs, selected, onSelect }: Props) {
  const { t } = useTranslation('live');
  const el = useRef<HTMLElement>(null);
  const camera = cameras.find((c) => c.id === cameraId);
  const a = cameraId ? access?.get(cameraId) : undefined;
  // The header's name waits for the camera list; the player does not (the session call needs only the id).
  const loading = camerasLoading && !!cameraId;
  const label = camera ? camera.name : loading ? t('connecting') : t('emptyTile', { n: index + 1 });
  // The form the media node serves now: a raw session downgraded by the gateway keeps playing
  // anonymized while the tile still asks for raw, and the header must offer what fits the video.
  const playerKey = `${cameraId}:${form}`;
  const [served, setServed] = useState<{ key: string; form: Form } | null>(null);
  const [restarts, setRestarts] = useState(0);
  const shown = served?.key === playerKey ? served.form : form;
  return (
    <section
      ref={el}
      className={`tile${selected ? ' selected' : ''}`}
      tabIndex={0}
      aria-label={label}
      data-tile={index}
      data-camera-id={cameraId ?? ''}
      onFocus={onSelect}
      onClick={onSelect}
    >
      {cameraId && (camera || loading) ? (
        <>
          <header className="tile-head">
            <span className="tile-title" title={camera?.name}>
              {camera?.name ?? label}
            </span>
            {camera && (
              <>
                <span className="tile-owner">{orgs?.get(camera.organisationId)?.name ?? camera.organisationId}</span>
                <CountryBadge country={camera.jurisdiction} />
              </>
            )}
            <span className="tile-actions">
              {shown === 'anonymized' && a?.access === 'raw' && (
                <button
                  type="button"
                  className="small danger"
                  // Asked raw already (the session was downgraded): ask again with a new session.
                  onClick={() => (form === 'raw' ? setRestarts((n) => n + 1) : wall.setForm(index, 'raw'))}
                  data-testid="ask-raw"
                >
                  {t('askRaw')}
                </button>
              )}
              {shown === 'raw' && (
                <button type="button" className="small secondary" onClick={() => wall.setForm(index, 'anonymized')} data-testid="watch-anonymized">
                  {t('watchAnonymized')}
                </button>
              )}
              <button type="button" className="small secondary" onClick={() => void fullscreen(el.current)} aria-label={t('fullscreen')} title={`${t('fullscreen')} (F)`}>
                <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
                  <path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" />
                </svg>
              </button>
              <button type="button" className="small secondary" onClick={() => wall.setTile(index, null)} aria-label={t('remove')} title={`${t('remove')} (Del)`}>
                ✕
              </button>
            </span>
          </header>
          <Player
            key={`${playerKey}:${restarts}`}
            cameraId={cameraId}
            form={form}
            onForm={(f) => wall.setForm(index, f)}
            onServed={(f) => setServed({ key: playerKey, form: f })}
          />
        </>
      ) : (
        <Picker index={index} cameras={cameras} access={access} />
      )}
    </section>
  );
}

export async function fullscreen(el: Element | null): Promise<void> {
  if (!el) return;
  if (document.fullscreenElement) await document.exitFullscreen();
  else await el.requestFullscreen().catch(() => undefined);
}

function Picker({ index, cameras, access }: { index: number; cameras: Camera[]; access?: Map<string, CameraAccess> }) {
  const { t } = useTranslation('live');
  const watchable = cameras.filter((c) => ['raw', 'anonymized'].includes(access?.get(c.id)?.access ?? ''));
  const [choice, setChoice] = useState('');
  return (
    <form
      className="picker"
      onSubmit={(e) => {
        e.preventDefault();
        if (choice) wall.setTile(index, choice);
      }}
    >
      <label>
        {t('emptyTile', { n: index + 1 })}
        <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="picker">
          <option value="">{t('chooseCamera')}</option>
          {watchable.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.jurisdiction}
              {c.state !== 'online' ? `, ${t(`common:cameraState.${c.state}`)}` : ''})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="small" disabled={!choice}>
        {t('watch')}
      </button>
      {watchable.length === 0 && <p className="muted">{t('nothingToWatch')}</p>}
    </form>
  );
}
