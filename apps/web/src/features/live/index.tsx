import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCameraAccess, useCameras, useOrganisations } from '../../api/data';
import { ErrorBox } from '../../shared/ErrorBox';
import { wall, useWall, type Layout } from '../../shared/wall';
import { fullscreen, Tile } from './Tile';
import './live.css';

const LAYOUTS: Layout[] = [1, 4, 9];

/**
 * The live wall: 1, 4 or 9 tiles, each a camera chosen here or on the map, kept across reloads.
 * Keys: 1 / 4 / 9 layout, arrows move between tiles, F full-screen, Delete empties a tile, ? help.
 */
export default function LivePage() {
  const { t } = useTranslation('live');
  const state = useWall();
  const cameras = useCameras();
  const access = useCameraAccess();
  const orgs = useOrganisations();
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  const cols = state.layout === 1 ? 1 : state.layout === 4 ? 2 : 3;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      const focusTile = (i: number) => (document.querySelector(`[data-tile="${i}"]`) as HTMLElement | null)?.focus();
      const move = (d: number) => {
        const i = Math.min(state.layout - 1, Math.max(0, selected + d));
        setSelected(i);
        focusTile(i);
      };
      switch (e.key) {
        case '1':
        case '4':
        case '9':
          wall.setLayout(Number(e.key) as Layout);
          break;
        case 'f':
        case 'F':
          void fullscreen(document.querySelector(`[data-tile="${selected}"]`));
          break;
        case 'Delete':
          wall.setTile(selected, null);
          break;
        case 'ArrowRight':
          move(1);
          break;
        case 'ArrowLeft':
          move(-1);
          break;
        case 'ArrowDown':
          move(cols);
          break;
        case 'ArrowUp':
          move(-cols);
          break;
        case '?':
          setHelp((h) => !h);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, state.layout, cols]);

  return (
    <div className="live-page">
      <div className="toolbar">
        <h1>{t('title')}</h1>
        <div role="group" aria-label={t('layout')} className="layout-buttons">
          {LAYOUTS.map((l) => (
            <button key={l} type="button" className={state.layout === l ? '' : 'secondary'} aria-pressed={state.layout === l} onClick={() => wall.setLayout(l)} data-layout={l}>
              {t('tiles', { count: l })}
            </button>
          ))}
        </div>
        <button type="button" className="secondary small" onClick={() => setHelp((h) => !h)} aria-expanded={help}>
          {t('shortcuts')}
        </button>
      </div>
      {help && (
        <dl className="shortcuts panel">
          <dt>1 / 4 / 9</dt>
          <dd>{t('keyLayout')}</dd>
          <dt>← → ↑ ↓</dt>
          <dd>{t('keyMove')}</dd>
          <dt>F</dt>
          <dd>{t('keyFullscreen')}</dd>
          <dt>Del</dt>
          <dd>{t('keyRemove')}</dd>
        </dl>
      )}
      {cameras.error && <ErrorBox error={cameras.error} />}
      <div className={`wall wall-${state.layout}`} style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}>
        {state.tiles.slice(0, state.layout).map((id, i) => (
          <Tile
            key={i}
            index={i}
            cameraId={id}
            form={state.forms[i]}
            cameras={cameras.data ?? []}
            camerasLoading={cameras.isPending}
            access={access.data}
            orgs={orgs.data}
            selected={selected === i}
            onSelect={() => setSelected(i)}
          />
        ))}
      </div>
    </div>
  );
}
