import contentDisposition from 'content-disposition';

// Bidi controls (U+202A–202E, U+2066–2069, U+200E/F) make "evil\u202Egnp.exe" display as "evilexe.png".
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const MAX_BYTES = 200;

/**
 * The display name of an upload: the last path segment, without control or bidi characters,
 * at most 200 bytes with its extension kept. Storage never uses it (blobs are keyed by hash).
 */
export function safeFileName(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC').split(/[/\\]/).pop()!.replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  name = name.replace(/^\.+/, '');
  if (!name) return 'file';
  if (Buffer.byteLength(name) <= MAX_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 12 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  while (Buffer.byteLength(stem + ext) > MAX_BYTES) stem = [...stem].slice(0, -1).join('');
  return stem.trim() + ext;
}

// The default title of an upload: the same rule the web app's upload queue shows before the upload starts.
export { titleFromFileName } from '../../web/src/lib/file-title.ts';

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''…` so every browser saves it under its real name and never renders it. */
export function attachmentHeader(fileName: string): string {
  return contentDisposition(safeFileName(fileName), { type: 'attachment' });
}
