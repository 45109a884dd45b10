import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route } from './router';

describe('router', () => {
  it('round-trips every page', () => {
    const routes: Route[] = [
      { page: 'overview' }, { page: 'new_child' }, { page: 'child', id: 'a b' }, { page: 'report', id: 'a/b' }, { page: 'library' }, { page: 'routines' }, { page: 'builder', child: 'c1' }, { page: 'builder', child: null, routine: 'r 1' }, { page: 'builder', child: 'c1', routine: 'r1' },
      { page: 'builder', child: null }, { page: 'password' }, { page: 'security' }, { page: 'team' }, { page: 'audit' }, { page: 'clinic_settings' }, { page: 'login' },
      { page: 'welcome', token: 'abc_-1' },
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
  });

  it('does not match pages with extra parts', () => {
    expect(parseRoute('#/audit/x')).toEqual({ page: 'not_found', path: '/audit/x' });
    expect(parseRoute('#/password/x').page).toBe('not_found');
    expect(parseRoute('#/team/x').page).toBe('not_found');
    expect(parseRoute('#/children/c1/report/x').page).toBe('not_found');
    expect(parseRoute('#/children/c1/other').page).toBe('not_found');
    expect(parseRoute('#/welcome/x').page).toBe('not_found');
  });

  it('reads an invitation link without a token as one with an empty token', () => {
    expect(parseRoute('#/welcome')).toEqual({ page: 'welcome', token: '' });
  });
});
