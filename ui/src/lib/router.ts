// A hash router: `#/`, `#/children/<id>`, `#/library`, `#/builder?child=<id>`, `#/password`, `#/audit`, `#/login`.

export type Route =
  | { page: 'overview' }
  | { page: 'child'; id: string }
  | { page: 'library' }
  | { page: 'builder'; child: string | null }
  | { page: 'password' }
  | { page: 'audit' }
  | { page: 'login' }
  | { page: 'not_found'; path: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'overview' };
  if (parts[0] === 'login' && parts.length === 1) return { page: 'login' };
  if (parts[0] === 'library' && parts.length === 1) return { page: 'library' };
  if (parts[0] === 'password' && parts.length === 1) return { page: 'password' };
  if (parts[0] === 'audit' && parts.length === 1) return { page: 'audit' };
  if (parts[0] === 'builder' && parts.length === 1) return { page: 'builder', child: params.get('child') };
  if (parts[0] === 'children' && parts.length === 2 && parts[1]) return { page: 'child', id: parts[1] };
  return { page: 'not_found', path };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'child':
      return `#/children/${encodeURIComponent(route.id)}`;
    case 'library':
      return '#/library';
    case 'builder':
      return route.child ? `#/builder?child=${encodeURIComponent(route.child)}` : '#/builder';
    case 'password':
      return '#/password';
    case 'audit':
      return '#/audit';
    case 'login':
      return '#/login';
    case 'not_found':
      return `#${route.path}`;
  }
}

export const TITLES: Record<Route['page'], string> = {
  overview: 'Overview',
  child: 'Child',
  library: 'Library',
  builder: 'Program builder',
  password: 'Change password',
  audit: 'Audit log',
  login: 'Sign in',
  not_found: 'Not found',
};
