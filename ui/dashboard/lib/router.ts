// A hash router: `#/`, `#/children/new`, `#/children/<id>`, `#/children/<id>/report`, `#/routines`, `#/library`, `#/builder?child=<id>`, `#/password`, `#/security`, `#/team`, `#/audit`, `#/clinic/settings`, `#/login`, `#/welcome?token=<token>`
// (an invitation's first-sign-in link: the token stays in the fragment, which no browser sends to a server).
import { t } from '../i18n.svelte';

export type Route =
  | { page: 'overview' }
  | { page: 'new_child' }
  | { page: 'child'; id: string }
  | { page: 'report'; id: string }
  | { page: 'routines' }
  | { page: 'library' }
  | { page: 'builder'; child: string | null; routine?: string }
  | { page: 'password' }
  | { page: 'security' }
  | { page: 'team' }
  | { page: 'audit' }
  | { page: 'clinic_settings' }
  | { page: 'login' }
  | { page: 'welcome'; token: string }
  | { page: 'not_found'; path: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'overview' };
  if (parts[0] === 'login' && parts.length === 1) return { page: 'login' };
  if (parts[0] === 'welcome' && parts.length === 1) return { page: 'welcome', token: params.get('token') ?? '' };
  if (parts[0] === 'library' && parts.length === 1) return { page: 'library' };
  if (parts[0] === 'password' && parts.length === 1) return { page: 'password' };
  if (parts[0] === 'audit' && parts.length === 1) return { page: 'audit' };
  if (parts[0] === 'security' && parts.length === 1) return { page: 'security' };
  if (parts[0] === 'team' && parts.length === 1) return { page: 'team' };
  if (parts[0] === 'clinic' && parts[1] === 'settings' && parts.length === 2) return { page: 'clinic_settings' };
  if (parts[0] === 'builder' && parts.length === 1) {
    const routine = params.get('routine');
    return { page: 'builder', child: params.get('child'), ...(routine ? { routine } : {}) };
  }
  if (parts[0] === 'children' && parts.length === 2 && parts[1] === 'new') return { page: 'new_child' };
  if (parts[0] === 'children' && parts.length === 2 && parts[1]) return { page: 'child', id: parts[1] };
  if (parts[0] === 'children' && parts.length === 3 && parts[1] && parts[2] === 'report') return { page: 'report', id: parts[1] };
  if (parts[0] === 'routines' && parts.length === 1) return { page: 'routines' };
  return { page: 'not_found', path };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'new_child':
      return '#/children/new';
    case 'child':
      return `#/children/${encodeURIComponent(route.id)}`;
    case 'report':
      return `#/children/${encodeURIComponent(route.id)}/report`;
    case 'routines':
      return '#/routines';
    case 'library':
      return '#/library';
    case 'builder':
    {
      const params = new URLSearchParams();
      if (route.child) params.set('child', route.child);
      if (route.routine) params.set('routine', route.routine);
      const query = params.toString();
      return query ? `#/builder?${query}` : '#/builder';
    }
    case 'password':
      return '#/password';
    case 'audit':
      return '#/audit';
    case 'security':
      return '#/security';
    case 'team':
      return '#/team';
    case 'clinic_settings':
      return '#/clinic/settings';
    case 'login':
      return '#/login';
    case 'welcome':
      return `#/welcome?token=${encodeURIComponent(route.token)}`;
    case 'not_found':
      return `#${route.path}`;
  }
}

/** Each page's title, for the browser's tab. */
export const TITLES: Record<Route['page'], string> = {
  get overview() { return t('title.overview'); },
  get new_child() { return t('title.new_child'); },
  get child() { return t('title.child'); },
  get report() { return t('title.report'); },
  get routines() { return t('title.routines'); },
  get library() { return t('title.library'); },
  get builder() { return t('title.builder'); },
  get password() { return t('title.password'); },
  get audit() { return t('title.audit'); },
  get security() { return t('title.security'); },
  get team() { return t('title.team'); },
  get login() { return t('title.login'); },
  get welcome() { return t('title.welcome'); },
  get not_found() { return t('title.not_found'); },
  get clinic_settings() { return t('title.clinic_settings'); },
};
