import { describe, expect, it } from 'vitest';
import { expressRoute } from './routes';

describe('expressRoute', () => {
  it('should join the mount path and the route path', () => {
    expect(expressRoute({ route: { path: '/users/:id' }, baseUrl: '/api', originalUrl: '/api/users/7' })).toBe('/api/users/:id');
    expect(expressRoute({ route: { path: '/' }, baseUrl: '/api', originalUrl: '/api' })).toBe('/api');
  });

  it('should take the route path alone for a route of the app itself', () => {
    expect(expressRoute({ route: { path: '/users/:id' }, baseUrl: '', originalUrl: '/users/7?full=1' })).toBe('/users/:id');
    expect(expressRoute({ route: { path: '/' }, baseUrl: '', originalUrl: '/' })).toBe('/');
    expect(expressRoute({ route: { path: '/users/:id' }, baseUrl: '' })).toBe('/users/:id');
  });

  it('should find the mount prefix in the URL when an error left the router (baseUrl restored to the parent)', () => {
    expect(expressRoute({ route: { path: '/users/:id' }, baseUrl: '', originalUrl: '/api/v1/users/7?full=1' })).toBe('/api/v1/users/:id');
    expect(expressRoute({ route: { path: '/users/:id' }, baseUrl: '', originalUrl: '//api//users/7/' })).toBe('/api/users/:id');
    expect(expressRoute({ route: { path: '/' }, baseUrl: '', originalUrl: '/api/' })).toBe('/api');
  });

  it('should not guess a prefix for routes that match a variable number of segments', () => {
    expect(expressRoute({ route: { path: '/files/*' }, baseUrl: '', originalUrl: '/static/files/a/b' })).toBe('/files/*');
  });

  it('should leave out requests without a string route', () => {
    expect(expressRoute({ baseUrl: '/api', originalUrl: '/api/x' })).toBeUndefined();
    expect(expressRoute({ route: { path: /x/ }, baseUrl: '', originalUrl: '/x' })).toBeUndefined();
  });
});
