import type { Kind, Status } from './api.ts';

/** How each kind of file looks when there is no thumbnail: a tint, an ink colour and an icon. */
export const KIND_STYLE: Record<Kind, { label: string; tint: string; ink: string; icon: string }> = {
  document: { label: 'Document', tint: '#e8efff', ink: '#3356c9', icon: 'document' },
  presentation: { label: 'Presentation', tint: '#fff0e5', ink: '#c2570c', icon: 'presentation' },
  spreadsheet: { label: 'Spreadsheet', tint: '#e3f6ec', ink: '#1b7f4d', icon: 'spreadsheet' },
  image: { label: 'Image', tint: '#f4ebff', ink: '#7c3aed', icon: 'image' },
  video: { label: 'Video', tint: '#ffe9ec', ink: '#c8283f', icon: 'video' },
  audio: { label: 'Audio', tint: '#e2f5f7', ink: '#0e7c86', icon: 'audio' },
  archive: { label: 'Archive', tint: '#f7f0e1', ink: '#8a6414', icon: 'archive' },
  other: { label: 'File', tint: '#eef0f3', ink: '#4b5563', icon: 'file' },
};

export const STATUS_LABELS: Record<Status, string> = {
  draft: 'Draft', in_review: 'In review', approved: 'Approved', rejected: 'Rejected', archived: 'Archived',
};

/** A best guess at a file's kind before the server has looked at its content (the server decides). */
export function guessKind(file: { name: string; type: string }): Kind {
  const type = file.type;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (/presentation|powerpoint/.test(type) || ['ppt', 'pptx', 'odp', 'key'].includes(ext)) return 'presentation';
  if (/sheet|excel|csv/.test(type) || ['xls', 'xlsx', 'ods', 'csv'].includes(ext)) return 'spreadsheet';
  if (/pdf|word|text|rtf|opendocument\.text/.test(type) || ['pdf', 'doc', 'docx', 'odt', 'rtf', 'txt', 'md'].includes(ext)) return 'document';
  if (/zip/.test(type) || ext === 'zip') return 'archive';
  return 'other';
}
