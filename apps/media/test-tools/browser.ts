import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags that keep Chromium quiet, local, and able to do WebRTC over loopback (see ENVIRONMENT.md). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Chromium with a fresh profile (playwright makes a temporary user-data-dir for each launch). */
export async function launchBrowser(executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

// Page-side code, kept as JavaScript text: the project compiles without DOM types.
const PAGE_HELPERS = String.raw`
window.__whep = window.__whep || [];
window.__whepPlay = async ({ url, grant, minFrames, timeoutMs }) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  const video = document.createElement('video');
  video.muted = true; video.autoplay = true; video.playsInline = true;
  document.body.appendChild(video);
  pc.ontrack = (e) => { video.srcObject = e.streams[0] || new MediaStream([e.track]); };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    setTimeout(resolve, 2000);
  });
  const headers = { 'Content-Type': 'application/sdp' };
  if (grant) headers.Authorization = 'Bearer ' + grant;
  const res = await fetch(url, { method: 'POST', headers, body: pc.localDescription.sdp });
  if (res.status !== 201) { pc.close(); return { status: res.status, error: await res.text() }; }
  const location = res.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  const entry = { pc, video, location, index: window.__whep.length };
  window.__whep.push(entry);
  const until = Date.now() + timeoutMs;
  let frames = 0;
  while (Date.now() < until && (frames = await window.__whepDecoded(entry.index)) < minFrames) await new Promise((r) => setTimeout(r, 100));
  return { status: 201, framesDecoded: frames, width: video.videoWidth, height: video.videoHeight, location, index: entry.index };
};
window.__whepDecoded = async (index) => {
  const stats = await window.__whep[index].pc.getStats();
  let n = 0;
  stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') n = s.framesDecoded || 0; });
  return n;
};
window.__whepStats = async (index) => {
  const stats = await window.__whep[index].pc.getStats();
  let out = {};
  stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') out = { framesDecoded: s.framesDecoded, framesDropped: s.framesDropped, packetsLost: s.packetsLost, packetsReceived: s.packetsReceived, jitterBufferDelay: s.jitterBufferDelay, jitterBufferEmittedCount: s.jitterBufferEmittedCount, state: window.__whep[index].pc.connectionState }; });
  return out;
};
window.__whepGrab = (index) => {
  const video = window.__whep[index].video;
  const c = document.createElement('canvas');
  c.width = video.videoWidth; c.height = video.videoHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(video, 0, 0);
  const data = ctx.getImageData(0, 0, c.width, c.height).data;
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
  return { width: c.width, height: c.height, b64: btoa(s) };
};
window.__whepClose = (index) => { window.__whep[index].pc.close(); };
// Every presented frame, scaled to width w, as JPEG data URLs (requestVideoFrameCallback).
window.__whepRecord = (index, w) => {
  const entry = window.__whep[index];
  const video = entry.video;
  entry.shots = [];
  entry.recording = true;
  const c = document.createElement('canvas');
  const step = (now, meta) => {
    if (!entry.recording) return;
    c.width = w; c.height = Math.round(video.videoHeight * w / video.videoWidth);
    c.getContext('2d').drawImage(video, 0, 0, c.width, c.height);
    entry.shots.push({ t: Date.now(), frames: meta.presentedFrames, url: c.toDataURL('image/jpeg', 0.92) });
    video.requestVideoFrameCallback(step);
  };
  video.requestVideoFrameCallback(step);
};
window.__whepRecorded = (index, since) => (window.__whep[index].shots || []).filter((s) => s.t >= since).length;
window.__whepStopRecord = (index) => { const e = window.__whep[index]; e.recording = false; const s = e.shots; e.shots = []; return s; };
`;

/** Installs the WHEP client helpers in the page (call after each navigation). */
export async function installWhepClient(page: Page): Promise<void> {
  await page.evaluate(PAGE_HELPERS);
}

export interface WhepPlayResult {
  status: number;
  error?: string;
  framesDecoded?: number;
  width?: number;
  height?: number;
  location?: string | null;
  index?: number;
}

/**
 * A WHEP client in the page (which must be on the media node's origin): POSTs an offer with the
 * grant and plays the answer in a <video>. Resolves once `minFrames` frames were decoded (or the
 * time ran out) or the request was refused.
 */
export async function whepPlay(page: Page, url: string, grant: string | undefined, minFrames = 10, timeoutMs = 20000): Promise<WhepPlayResult> {
  await installWhepClient(page);
  return (await page.evaluate(`window.__whepPlay(${JSON.stringify({ url, grant, minFrames, timeoutMs })})`)) as WhepPlayResult;
}

export async function framesDecoded(page: Page, index: number): Promise<number> {
  return (await page.evaluate(`window.__whepDecoded(${index})`)) as number;
}

export async function inboundStats(page: Page, index: number): Promise<Record<string, number | string>> {
  return (await page.evaluate(`window.__whepStats(${index})`)) as Record<string, number | string>;
}

/** The current picture of the index-th WHEP video in the page, as RGBA. */
export async function grabFrame(page: Page, index = 0): Promise<{ width: number; height: number; rgba: Buffer }> {
  const r = (await page.evaluate(`window.__whepGrab(${index})`)) as { width: number; height: number; b64: string };
  return { width: r.width, height: r.height, rgba: Buffer.from(r.b64, 'base64') };
}

export async function closeWhep(page: Page, index: number): Promise<void> {
  await page.evaluate(`window.__whepClose(${index})`);
}

/** Starts keeping every frame the index-th video presents (scaled to `width`). */
export async function recordFrames(page: Page, index: number, width = 640): Promise<void> {
  await page.evaluate(`window.__whepRecord(${index}, ${width})`);
}

/** How many frames the recording holds that were presented at or after `since` (wall time, ms). */
export async function recordedSince(page: Page, index: number, since = 0): Promise<number> {
  return (await page.evaluate(`window.__whepRecorded(${index}, ${since})`)) as number;
}

/** Stops recording and returns the frames (JPEG) with the wall time they were presented. */
export async function stopRecording(page: Page, index: number): Promise<{ t: number; presentedFrames: number; jpeg: Buffer }[]> {
  const shots = (await page.evaluate(`window.__whepStopRecord(${index})`)) as { t: number; frames: number; url: string }[];
  return shots.map((s) => ({ t: s.t, presentedFrames: s.frames, jpeg: Buffer.from(s.url.slice(s.url.indexOf(',') + 1), 'base64') }));
}
