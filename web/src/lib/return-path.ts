// Where sign-in sends you afterwards: the page you were sent away from, when it is one of ours.

const SIGN_IN_PATH = '/login';

/**
 * The in-app path a `next` parameter names, or `/` when it names anything else: another origin (`//evil.com`,
 * `/\evil.com`, `https://…`), a script (`javascript:`), the sign-in page itself, or text the URL parser would
 * read differently than it looks (tabs and line breaks are dropped by it, so `/\t/evil.com` is `//evil.com`).
 */
export function returnPath(next: string | null | undefined, origin: string = location.origin): string {
  if (!next || next[0] !== '/' || next[1] === '/' || next[1] === '\\') return '/';
  // No control character belongs in a path the app made, and the parser silently drops some of them.
  if ([...next].some((c) => c < ' ' || c === '\u007f')) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  if (url.origin !== origin) return '/';
  if (url.pathname.replace(/\/+$/, '') === SIGN_IN_PATH) return '/';
  return url.pathname + url.search + url.hash;
}

/** The sign-in page, remembering the page you are on (unless that is the home page or the sign-in page). */
export function signInHref(here: string): string {
  return returnPath(here) === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(here)}`;
}
