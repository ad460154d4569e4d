import type { VersionMeta } from './queries.ts';

export const FILE_PROBLEMS = ['password-protected', 'damaged', 'unreadable'] as const;

/** Why a version has no preview or searchable text, in a sentence for people (the next step is the web app's, by role). */
export interface FileProblem { code: (typeof FILE_PROBLEMS)[number]; message: string }

const DAMAGED = new Set(['CORRUPT_FILE', 'CRASHED']);

/** What is wrong with a processed version's file, or null when nothing is (or processing has not finished). */
export function fileProblem(version: Pick<VersionMeta, 'mimeType' | 'previewStatus' | 'previewError' | 'meta'>): FileProblem | null {
  const meta = version.meta ?? {};
  const failure = typeof meta.failure === 'string' ? meta.failure : null;
  const reason = version.previewError ?? '';
  const what = version.mimeType === 'application/pdf' ? 'This PDF' : 'This file';
  // Versions that failed before meta.failure was recorded are told apart by their reason.
  if (meta.passwordRequired === true || failure === 'ENCRYPTED' || (!failure && /password-protected/i.test(reason))) {
    return { code: 'password-protected', message: `${what} is password-protected, so it has no preview or searchable text.` };
  }
  if (version.previewStatus !== 'failed') return null;
  if ((failure && DAMAGED.has(failure)) || (!failure && /damaged|truncated|corrupt/i.test(reason))) {
    return { code: 'damaged', message: `The file looks damaged, so it has no preview or searchable text${reason ? ` (${reason})` : ''}.` };
  }
  return { code: 'unreadable', message: `No preview or searchable text could be made from this file${reason ? ` (${reason})` : ''}.` };
}
