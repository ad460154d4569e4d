// The page a share link opens: no sign-in, no app — one HTML document with its assets (documents page by page,
// images, a player for video), downloads when allowed, and a small script that sends heartbeats. Everything from
// the sender or the library is text (escaped); the page's own style and script run by nonce under a strict CSP.
import type { AssetRow, VersionMeta } from '../assets/queries.ts';
import { pageCount } from './service.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page's Content-Security-Policy: nothing but its own pictures, media and heartbeats, its own style and script. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'none'", "img-src 'self'", "media-src 'self'", `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`,
    "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

export interface SharePageContent {
  base: string;
  visitId: string;
  nonce: string;
  sender: { name: string; email: string };
  allowDownload: boolean;
  assets: { asset: AssetRow; version: VersionMeta }[];
}

const STYLE = `
  :root { color-scheme: light; --ink: #1d2433; --muted: #5b6472; --line: #dde2ea; --accent: #2455c3; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f7fa; }
  header { background: #fff; border-bottom: 1px solid var(--line); padding: 16px 20px; }
  header p { margin: 0; color: var(--muted); font-size: 14px; }
  header h1 { margin: 2px 0 0; font-size: 20px; }
  main { max-width: 960px; margin: 0 auto; padding: 16px 12px 48px; }
  nav ol { margin: 0 0 16px; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 8px; }
  nav a { display: inline-block; padding: 6px 12px; border: 1px solid var(--line); border-radius: 999px; background: #fff; color: var(--accent); text-decoration: none; font-size: 14px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px; margin: 0 0 24px; }
  section h2 { margin: 0 0 4px; font-size: 18px; }
  section h1 { margin: 0 0 8px; font-size: 22px; line-height: 1.3; }
  .meta { margin: 0 0 12px; color: var(--muted); font-size: 14px; }
  .page { margin: 0 0 12px; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; background: #fafbfc; }
  .page img, video { display: block; width: 100%; height: auto; }
  /* A page keeps a page's shape before its picture arrives: the layout does not jump, and the page in view is known. */
  .page img { aspect-ratio: auto 1 / 1.35; }
  .page figcaption { padding: 4px 8px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); }
  .download { display: inline-block; margin-top: 4px; padding: 8px 14px; border-radius: 6px; background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
  footer { text-align: center; color: var(--muted); font-size: 13px; padding: 0 12px 32px; }
`;

/**
 * Heartbeats: every ~10 s (and when the page is hidden or closed, by sendBeacon), the active time per page since the
 * last one. Time counts while the page is visible and someone scrolled, typed, touched or moved within the last
 * minute; the page read is the one most in view.
 */
const SCRIPT = `
(() => {
  const beatUrl = document.body.dataset.beat, visitId = document.body.dataset.visit;
  const IDLE_MS = 60000, EVERY_MS = 10000;
  let lastInput = Date.now(), interacted = false, lastTick = Date.now(), current = null;
  const pending = new Map();
  const input = () => { lastInput = Date.now(); interacted = true; };
  for (const type of ['scroll', 'wheel', 'keydown', 'pointerdown', 'pointermove', 'touchstart']) addEventListener(type, input, { passive: true, capture: true });
  const tick = () => {
    const now = Date.now();
    if (current && document.visibilityState === 'visible' && now - lastInput < IDLE_MS) pending.set(current, (pending.get(current) || 0) + now - lastTick);
    lastTick = now;
  };
  const ratios = new Map();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) ratios.set(entry.target, entry.intersectionRatio);
    let best = null, most = 0;
    for (const [el, ratio] of ratios) if (ratio > most) { most = ratio; best = el; }
    tick();
    current = best ? best.dataset.asset + ' ' + best.dataset.page + ' ' + best.dataset.version : null;
  }, { threshold: [0, 0.1, 0.25, 0.5, 0.75, 1] });
  document.querySelectorAll('[data-page]').forEach((el) => observer.observe(el));
  const send = (closing) => {
    tick();
    const pages = [...pending].map(([key, ms]) => {
      const [assetId, page, versionId] = key.split(' ');
      return { assetId, page: Number(page), versionId, activeMs: Math.round(ms) };
    });
    if (pages.length === 0 && !closing && sent) return;
    pending.clear();
    const body = JSON.stringify({ visitId, pages, interacted, automated: navigator.webdriver === true });
    if (closing && navigator.sendBeacon) navigator.sendBeacon(beatUrl, new Blob([body], { type: 'text/plain' }));
    else fetch(beatUrl, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, keepalive: true }).catch(() => {});
    sent = true;
  };
  let sent = false;
  setTimeout(() => send(false), 2000);
  setInterval(() => send(false), EVERY_MS);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') send(true); else lastTick = Date.now(); });
  addEventListener('pagehide', () => send(true));
})();
`;

const sizeOf = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`);

function assetSection(content: SharePageContent, { asset, version }: SharePageContent['assets'][number], index: number): string {
  const base = `${content.base}/a/${asset.id}`;
  const title = escapeHtml(asset.title);
  const pages = pageCount(version);
  const isVideo = version.mimeType.startsWith('video/');
  const shown = isVideo
    ? `<figure class="page" data-asset="${asset.id}" data-version="${version.id}" data-page="1"><video controls preload="metadata" poster="${base}/pages/1" src="${base}/media"></video></figure>`
    : Array.from({ length: pages }, (_, i) => `<figure class="page" data-asset="${asset.id}" data-version="${version.id}" data-page="${i + 1}">`
      + `<img src="${base}/pages/${i + 1}" alt="${title}, page ${i + 1} of ${pages}" loading="${i < 2 && index === 0 ? 'eager' : 'lazy'}">`
      + (pages > 1 ? `<figcaption>Page ${i + 1} of ${pages}</figcaption>` : '') + '</figure>').join('');
  const download = content.allowDownload
    ? `<a class="download" href="${base}/file?visit=${content.visitId}" download>Download ${escapeHtml(version.filename)} (${sizeOf(version.size)})</a>` : '';
  const description = asset.description ? `<p class="meta">${escapeHtml(asset.description)}</p>` : '';
  return `<section id="asset-${index + 1}" aria-labelledby="title-${index + 1}"><h2 id="title-${index + 1}">${title}</h2>${description}`
    + `<p class="meta">${pages > 1 ? `${pages} pages` : escapeHtml(asset.kind)}</p>${shown}${download}</section>`;
}

export function sharePage(content: SharePageContent): string {
  const from = escapeHtml(content.sender.name);
  const nav = content.assets.length > 1
    ? `<nav aria-label="In this link"><ol>${content.assets.map(({ asset }, i) => `<li><a href="#asset-${i + 1}">${escapeHtml(asset.title)}</a></li>`).join('')}</ol></nav>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>${content.assets.length === 1 ? escapeHtml(content.assets[0]!.asset.title) : `Shared with you by ${from}`}</title>
<style nonce="${content.nonce}">${STYLE}</style></head>
<body data-beat="${content.base}/beat" data-visit="${content.visitId}">
<header><p>Shared with you by ${from}</p><h1>${content.assets.length === 1 ? escapeHtml(content.assets[0]!.asset.title) : `${content.assets.length} documents`}</h1></header>
<main>${nav}${content.assets.map((row, i) => assetSection(content, row, i)).join('')}</main>
<footer>Questions? Write to ${from} at <a href="mailto:${escapeHtml(content.sender.email)}">${escapeHtml(content.sender.email)}</a>.</footer>
<script nonce="${content.nonce}">${SCRIPT}</script>
</body></html>`;
}

/** The page a link shows when it cannot show its content: why, and whom to ask. */
export function endedPage(nonce: string, heading: string, message: string, sender?: { name: string; email: string }): string {
  const ask = sender ? `<p>Ask ${escapeHtml(sender.name)} (<a href="mailto:${escapeHtml(sender.email)}">${escapeHtml(sender.email)}</a>) for a new link.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer"><title>${escapeHtml(heading)}</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body><main><section><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(message)}</p>${ask}</section></main></body></html>`;
}
