import type { TestApp } from './app.ts';
import { multipart, png, type FilePart } from './files.ts';

/** Uploads a file as the given user; returns the raw response. */
export async function upload(t: TestApp, headers: Record<string, string>, fields: Record<string, string | string[]> = {}, file?: FilePart) {
  const body = await multipart(fields, file ?? { name: 'pixel.png', content: await png(), type: 'image/png' });
  return t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...headers, ...body.headers }, payload: body.payload });
}

/** Uploads, submits and approves an asset; returns its id. */
export async function approvedAsset(t: TestApp, marketing: Record<string, string>, approver: Record<string, string>, fields: Record<string, string | string[]> = {}, file?: FilePart): Promise<string> {
  const created = await upload(t, marketing, fields, file);
  if (created.statusCode !== 201) throw new Error(`upload failed: ${created.body}`);
  const id = created.json().id as string;
  for (const [who, action] of [[marketing, 'submit'], [approver, 'approve']] as const) {
    const res = await t.app.inject({ method: 'POST', url: `/api/assets/${id}/${action}`, headers: who });
    if (res.statusCode !== 200) throw new Error(`${action} failed: ${res.body}`);
  }
  return id;
}
