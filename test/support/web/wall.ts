import type { Page } from 'playwright-core';

export interface TileState {
  cameraId: string;
  phase: string;
  form: string;
  sessionId: string;
  expiresAt: string;
  badge: string;
  frames: number;
  currentTime: number;
  videoHidden: boolean;
  reasons: string[];
  firstFrameAt: number | null;
}

/** What tile `i` of the live wall shows now (read from the DOM the player maintains). */
export async function tileState(page: Page, i: number): Promise<TileState> {
  return (await page.evaluate(`(() => {
    const tile = document.querySelector('[data-tile="${i}"]');
    const p = tile && tile.querySelector('.player');
    const v = p && p.querySelector('video');
    return {
      cameraId: tile ? tile.getAttribute('data-camera-id') : '',
      phase: p ? p.getAttribute('data-phase') : '',
      form: p ? p.getAttribute('data-form') : '',
      sessionId: p ? p.getAttribute('data-session-id') : '',
      expiresAt: p ? p.getAttribute('data-expires-at') : '',
      badge: (tile && tile.querySelector('[data-testid=badge]') || {}).textContent || '',
      frames: v ? Number(v.dataset.frames || 0) : 0,
      currentTime: v ? v.currentTime : 0,
      videoHidden: !p || !!p.querySelector('[data-testid=cover]'),
      reasons: tile ? [...tile.querySelectorAll('[data-testid=reasons] li')].map((li) => li.textContent) : [],
      firstFrameAt: v && v.dataset.firstFrameAt ? Number(v.dataset.firstFrameAt) : null,
    };
  })()`)) as TileState;
}

/** Polls tile `i` until `ok` holds; throws with the last state. */
export async function waitForTile(page: Page, i: number, ok: (s: TileState) => boolean, timeoutMs = 60_000): Promise<TileState> {
  const until = Date.now() + timeoutMs;
  let s = await tileState(page, i);
  while (!ok(s)) {
    if (Date.now() > until) throw new Error(`tile ${i} did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 200));
    s = await tileState(page, i);
  }
  return s;
}

/** Playing: frames decoded and presented, and the video's time advancing. */
export async function expectPlaying(page: Page, i: number, timeoutMs = 60_000): Promise<TileState> {
  const a = await waitForTile(page, i, (s) => s.phase === 'playing' && s.frames > 0, timeoutMs);
  await new Promise((r) => setTimeout(r, 1500));
  const b = await tileState(page, i);
  if (!(b.phase === 'playing' && b.frames > a.frames && b.currentTime > a.currentTime)) {
    throw new Error(`tile ${i} is not advancing: ${JSON.stringify({ before: a, after: b })}`);
  }
  return b;
}

/** Puts cameras in the wall's tiles as the app keeps them (localStorage), then loads `path` (the wall). */
export async function setWall(page: Page, baseUrl: string, layout: 1 | 4 | 9, tiles: (string | null)[], forms: ('anonymized' | 'raw')[] = [], path = '/live'): Promise<void> {
  const state = {
    layout,
    tiles: Array.from({ length: 9 }, (_, i) => tiles[i] ?? null),
    forms: Array.from({ length: 9 }, (_, i) => forms[i] ?? 'anonymized'),
  };
  await page.evaluate(`localStorage.setItem('borderlens.wall', ${JSON.stringify(JSON.stringify(state))})`);
  await page.goto(`${baseUrl}${path}`);
  if (path === '/live') await page.waitForSelector('[data-tile="0"]');
}
