// Where sign-in sends you afterwards: back to the page of the link you came with, and never anywhere else.
import { describe, expect, it } from 'vitest';
import { returnPath } from '../../web/src/lib/return-path.ts';

const origin = 'https://hub.example.com';

describe('returnPath', () => {
  it('keeps a path of the app with its query and hash', () => {
    expect(returnPath('/assets/0b6c7b52-5c1e-4a4e-9c55-6f0f1d1e2a3b', origin)).toBe('/assets/0b6c7b52-5c1e-4a4e-9c55-6f0f1d1e2a3b');
    expect(returnPath('/search?q=pricing%20deck&persona=cfo&stage=evaluation', origin)).toBe('/search?q=pricing%20deck&persona=cfo&stage=evaluation');
    expect(returnPath('/review#top', origin)).toBe('/review#top');
  });

  it.each([
    ['another host, scheme-relative', '//evil.com'],
    ['another host behind a backslash', '/\\evil.com'],
    ['another host behind a tab the parser drops', '/\t/evil.com'],
    ['another host behind a line break', '/\n/evil.com'],
    ['an absolute URL', 'https://evil.com/assets/1'],
    ['an absolute URL of the same host', `${origin}/assets/1`],
    ['a script', 'javascript:alert(1)'],
    ['a relative path', 'assets/1'],
    ['a bare host', 'evil.com'],
    ['the sign-in page', '/login'],
    ['the sign-in page with its own next', '/login?next=%2Fassets%2F1'],
    ['the sign-in page with a trailing slash', '/login/'],
    ['nothing', ''],
    ['no parameter', null],
  ])('sends %s home', (_what, next) => {
    expect(returnPath(next, origin)).toBe('/');
  });
});
