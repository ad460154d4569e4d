import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachmentHeader, safeFileName, titleFromFileName } from '../../server/assets/file-name.ts';

// eslint-disable-next-line no-control-regex -- the point is to prove control characters never survive
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]/;

describe('safeFileName', () => {
  it('never returns a path, a control or bidi character, an empty name or more than 200 bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (raw) => {
      const name = safeFileName(raw);
      expect(name.length).toBeGreaterThan(0);
      expect(name).not.toMatch(UNSAFE);
      expect(name.startsWith('.')).toBe(false);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    }), { numRuns: 2000 });
  });

  it('keeps ordinary names as they are', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,40}\.(pdf|pptx|png)$/), (name) => {
      expect(safeFileName(name)).toBe(name.replace(/\s+/g, ' ').trim());
    }));
  });

  it('keeps the extension when cutting a long name', () => {
    expect(safeFileName(`${'a'.repeat(400)}.pptx`)).toBe(`${'a'.repeat(195)}.pptx`);
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\deck.pptx', 'deck.pptx'],
    ['/absolute/path/file.pdf', 'file.pdf'],
    ['evil\u202Efdp.exe', 'evilfdp.exe'],
    ['__proto__', '__proto__'],
    ['..', 'file'],
    ['', 'file'],
  ])('turns %j into %j', (raw, safe) => {
    expect(safeFileName(raw)).toBe(safe);
  });
});

describe('attachmentHeader', () => {
  it('always produces a header value that is plain ASCII and says attachment', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (raw) => {
      const header = attachmentHeader(raw);
      expect(header.startsWith('attachment;')).toBe(true);
      expect(header).toMatch(/^[\x20-\x7e\xa0-\xff]*$/);
      expect(header).not.toMatch(/[\r\n]/);
    }));
  });
});

describe('titleFromFileName', () => {
  it('drops the extension and underscores', () => {
    expect(titleFromFileName('Q3_pricing_deck.pptx')).toBe('Q3 pricing deck');
    // The server's default title is the web app's rule (see test/unit/file-title.test.ts).
    expect(titleFromFileName('.env')).toBe('Env');
  });
});
