import { ApiError, authorizedFetch } from '../api/client';

/** Fetches a file with the access token (a plain link cannot send it) and returns it with its SHA-256. */
export async function fetchFile(url: string): Promise<{ blob: Blob; sha256: string; name: string }> {
  const res = await authorizedFetch(url);
  if (!res.ok) throw await ApiError.from(res);
  const blob = await res.blob();
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? url.split('?')[0].split('/').pop() ?? 'download';
  return { blob, sha256, name };
}

/** Hands a blob to the browser as a download under `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser has taken the file once the click has run.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
