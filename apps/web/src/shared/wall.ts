import { useSyncExternalStore } from 'react';

/** The live wall: its layout and the camera in each tile, kept in this browser across reloads. */
export type Layout = 1 | 4 | 9;
export interface WallState {
  layout: Layout;
  /** Camera id per tile (null: empty), always 9 entries; the layout shows the first 1, 4 or 9. */
  tiles: (string | null)[];
  /** Form asked per tile ('raw' only when the user asked for it). */
  forms: ('anonymized' | 'raw')[];
}

const KEY = 'borderlens.wall';
const listeners = new Set<() => void>();
let state: WallState = load();

function load(): WallState {
  const empty: WallState = { layout: 4, tiles: Array(9).fill(null), forms: Array(9).fill('anonymized') };
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<WallState> | null;
    if (!s) return empty;
    const layout = s.layout === 1 || s.layout === 4 || s.layout === 9 ? s.layout : 4;
    const tiles = Array.from({ length: 9 }, (_, i) => (typeof s.tiles?.[i] === 'string' ? s.tiles[i] : null));
    const forms = Array.from({ length: 9 }, (_, i) => (s.forms?.[i] === 'raw' ? 'raw' : 'anonymized')) as WallState['forms'];
    return { layout, tiles, forms };
  } catch {
    return empty;
  }
}

function set(next: WallState): void {
  state = next;
  localStorage.setItem(KEY, JSON.stringify(state));
  for (const l of listeners) l();
}

export const wall = {
  get: () => state,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  setLayout(layout: Layout) {
    set({ ...state, layout });
  },
  setTile(i: number, cameraId: string | null, form: 'anonymized' | 'raw' = 'anonymized') {
    const tiles = [...state.tiles];
    const forms = [...state.forms];
    tiles[i] = cameraId;
    forms[i] = form;
    set({ ...state, tiles, forms });
  },
  setForm(i: number, form: 'anonymized' | 'raw') {
    const forms = [...state.forms];
    forms[i] = form;
    set({ ...state, forms });
  },
  /** Puts a camera in the first empty visible tile (growing the layout if all are taken); returns its index. */
  add(cameraId: string, form: 'anonymized' | 'raw' = 'anonymized'): number {
    const existing = state.tiles.slice(0, state.layout).indexOf(cameraId);
    if (existing >= 0) {
      wall.setForm(existing, form);
      return existing;
    }
    let layout = state.layout;
    let i = state.tiles.slice(0, layout).indexOf(null);
    while (i < 0 && layout < 9) {
      layout = layout === 1 ? 4 : 9;
      i = state.tiles.slice(0, layout).indexOf(null);
    }
    if (i < 0) i = layout - 1;
    const tiles = [...state.tiles];
    const forms = [...state.forms];
    tiles[i] = cameraId;
    forms[i] = form;
    set({ layout, tiles, forms });
    return i;
  },
};

export function useWall(): WallState {
  return useSyncExternalStore(wall.subscribe, wall.get);
}
