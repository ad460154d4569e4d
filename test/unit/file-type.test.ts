import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyFile } from '../../server/assets/file-type.ts';
import { DomainError } from '../../server/errors.ts';
import { docx, jpeg, pdf, png, pptx } from '../support/files.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sniff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(content: Buffer): string {
  const file = path.join(dir, `f${n++}`);
  fs.writeFileSync(file, content);
  return file;
}
const classify = (content: Buffer, name: string) => classifyFile(write(content), content.length, name);

describe('classifyFile', () => {
  it('names the kind from the content, whatever the extension says', async () => {
    expect((await classify(await png(), 'deck.pptx')).kind).toBe('image');
    expect((await classify(await pdf(), 'photo.jpg'))).toMatchObject({ kind: 'document', mimeType: 'application/pdf' });
    expect((await classify(pptx(), 'x.bin')).kind).toBe('presentation');
    expect((await classify(docx(), 'x.bin')).kind).toBe('document');
    expect((await classify(await jpeg(30, 20), 'x')).width).toBe(30);
  });

  it('accepts SVG as an image and refuses HTML dressed as anything', async () => {
    expect((await classify(Buffer.from('<?xml version="1.0"?>\n<!-- logo --><svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'logo.svg')).mimeType).toBe('image/svg+xml');
    await expect(classify(Buffer.from('<html><body>hi</body></html>'), 'page.txt')).rejects.toMatchObject({ statusCode: 415 });
  });

  it('accepts plain text only under a text extension', async () => {
    expect((await classify(Buffer.from('name,score\nann,3\n'), 'scores.csv')).kind).toBe('spreadsheet');
    await expect(classify(Buffer.from('just words'), 'photo.jpg')).rejects.toMatchObject({ statusCode: 415 });
  });

  it('answers random bytes with a domain error (400/415/422), never a crash', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('a.pdf', 'a.png', 'a.docx', 'a.txt', 'a'), async (bytes, name) => {
      try {
        await classify(Buffer.from(bytes), name);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect([400, 415, 422]).toContain((error as DomainError).statusCode);
      }
    }), { numRuns: 300 });
  });
});
