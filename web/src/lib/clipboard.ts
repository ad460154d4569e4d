import { api } from './api.ts';
import { toasts } from './toasts.svelte.ts';

/** Puts text on the clipboard; false when the browser refused both ways. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API refused (plain http, no permission): the old way still works in most browsers.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

/**
 * Copies something shown once (an invite link, a token, a share link) and says so: `what` names it, as in
 * "Share link copied"; when the browser refuses, the person is asked to copy it from its box.
 */
export async function copyShownOnce(text: string, what: string): Promise<boolean> {
  const copied = await copyText(text);
  toasts.show(copied ? `${what} copied` : `Copy the ${what.toLowerCase()} from the box by hand`, copied ? 'success' : 'info');
  return copied;
}

/** Copies the link to an asset's page, says so, and records the share. */
export async function copyAssetLink(assetId: string): Promise<void> {
  const url = `${location.origin}/assets/${encodeURIComponent(assetId)}`;
  if (await copyText(url)) toasts.show('Link copied to the clipboard');
  else toasts.show(`Copy this link: ${url}`, 'info', 8000);
  void api.event(assetId, 'copy_link').catch(() => {});
}
