// A tiny history-API router: the URL is the state, pages read `router.path` and `router.query`.

export type Route =
  | { page: 'login' }
  | { page: 'library' }
  | { page: 'search' }
  | { page: 'asset'; id: string }
  | { page: 'review' }
  | { page: 'reports' }
  | { page: 'shares' }
  | { page: 'kits' }
  | { page: 'requests' }
  | { page: 'admin-users' }
  | { page: 'admin-taxonomy' }
  | { page: 'account' }
  | { page: 'invite'; token: string }
  | { page: 'not-found' };

export function match(path: string): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/') return { page: 'library' };
  if (clean === '/login') return { page: 'login' };
  if (clean === '/search') return { page: 'search' };
  if (clean === '/review') return { page: 'review' };
  if (clean === '/reports') return { page: 'reports' };
  if (clean === '/shares') return { page: 'shares' };
  if (clean === '/kits') return { page: 'kits' };
  if (clean === '/requests') return { page: 'requests' };
  if (clean === '/admin' || clean === '/admin/users') return { page: 'admin-users' };
  if (clean === '/admin/taxonomy') return { page: 'admin-taxonomy' };
  if (clean === '/account') return { page: 'account' };
  const invite = /^\/invite\/([^/]+)$/.exec(clean);
  if (invite) return { page: 'invite', token: decodeURIComponent(invite[1]!) };
  const asset = /^\/assets\/([^/]+)$/.exec(clean);
  if (asset) return { page: 'asset', id: decodeURIComponent(asset[1]!) };
  return { page: 'not-found' };
}

class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  query = $derived(new URLSearchParams(this.search));
  route = $derived(match(this.path));

  constructor() {
    window.addEventListener('popstate', () => this.sync());
    document.addEventListener('click', (event) => this.intercept(event));
  }

  /** Goes to an in-app URL; `replace` when the old entry should not stay in the history (redirects). */
  navigate(href: string, { replace = false, scroll = true } = {}): void {
    const url = new URL(href, location.href);
    const target = url.pathname + url.search + url.hash;
    if (target === location.pathname + location.search + location.hash) return;
    if (replace) history.replaceState(null, '', target);
    else history.pushState(null, '', target);
    const pageChanged = url.pathname !== this.path;
    this.sync();
    if (scroll && pageChanged) window.scrollTo(0, 0);
  }

  /** Replaces the query string, keeping the path; empty values are dropped. */
  setQuery(params: Record<string, string | undefined>, options: { replace?: boolean } = {}): void {
    const text = Object.entries(params).filter(([, value]) => value)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value!)}`).join('&');
    this.navigate(`${this.path}${text ? `?${text}` : ''}`, { ...options, scroll: false });
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }

  /** Same-origin links become in-app navigation; downloads, the API, new tabs and modified clicks keep the browser's behaviour. */
  private intercept(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.dataset.external !== undefined) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    this.navigate(url.pathname + url.search + url.hash);
  }
}

export const router = new Router();
