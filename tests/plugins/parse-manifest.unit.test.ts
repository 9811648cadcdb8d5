import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { parseManifest } from '../../kernel/plugins/index.js';
import { manifestFor } from './write-plugin.js';

const SOURCE = '/plugins/demo/plugin.json';

const fieldOf = (doc: unknown): string | undefined => {
  try {
    parseManifest(doc, SOURCE);
  } catch (err) {
    expect(hasErrorCode(err, 'OMEGA_ERR_MANIFEST_INVALID')).toBe(true);
    const e = err as { message: string; extras: { file: string; field: string } };
    expect(e.extras.file).toBe(SOURCE);
    expect(e.message).toContain(SOURCE);
    expect(e.message).toContain(e.extras.field);
    return e.extras.field;
  }
  return undefined;
};

const route = (r: Record<string, unknown> = {}) => ({
  method: 'GET',
  path: '/items/:id',
  handler: 'getItem',
  permission: 'demo:read',
  ...r,
});

describe('parseManifest', () => {
  it('accepts a full manifest, applies defaults and canonicalises permissions', () => {
    const m = parseManifest(
      JSON.stringify(
        manifestFor('demo', {
          $schema: 'https://omega.dev/plugin.schema.json',
          description: 'A demo',
          author: 'Ada',
          license: 'MIT',
          main: './dist/plugin.js',
          permissions: ['storage', 'http:routes', 'net:fetch:https://EXAMPLE.com:443', 'storage'],
          routes: [
            route(),
            route({ method: 'POST', path: '/items', handler: 'create', permission: 'public' }),
          ],
          services: [{ name: 'capacity', handler: 'capacity', summary: 'free slots' }],
          dependencies: { nodes: '^1.0.0' },
        }),
      ),
      SOURCE,
    );
    expect(m.name).toBe('demo');
    expect(m.main).toBe('dist/plugin.js');
    expect(m.permissions).toEqual(['storage', 'http:routes', 'net:fetch:https://example.com']);
    expect(m.limits).toEqual({ memoryMb: 64, callTimeoutMs: 5000, cpuMillicores: 500 });
    expect(m.routes).toHaveLength(2);
    expect(m.dependencies).toEqual({ nodes: '^1.0.0' });
    expect('$schema' in m).toBe(false);
  });

  it('refuses names reserved for the kernel (its routes and its storage namespace)', () => {
    for (const name of ['kernel', 'plugins', 'events', 'health', 'system']) {
      expect(fieldOf(manifestFor(name)), name).toBe('name');
    }
  });

  it('defaults optional lists', () => {
    const m = parseManifest(manifestFor('demo', { permissions: undefined }), SOURCE);
    expect(m.permissions).toEqual([]);
    expect(m.routes).toEqual([]);
    expect(m.services).toEqual([]);
    expect(m.dependencies).toEqual({});
  });

  const withRoutes = (routes: unknown[]) => manifestFor('demo', { permissions: ['http:routes'], routes });

  it.each([
    ['name', manifestFor('Demo')],
    ['name', manifestFor('d')],
    ['name', manifestFor('demo_x')],
    ['name', manifestFor('1demo')],
    ['name', manifestFor(`d${'x'.repeat(40)}`)],
    ['version', manifestFor('demo', { version: 'v1.0.0' })],
    ['version', manifestFor('demo', { version: '1.0' })],
    ['engines.omega', manifestFor('demo', { engines: { omega: 'not a range!' } })],
    ['engines', manifestFor('demo', { engines: undefined })],
    ['main', manifestFor('demo', { main: '../outside.js' })],
    ['main', manifestFor('demo', { main: 'dist/../../x.js' })],
    ['main', manifestFor('demo', { main: '/etc/passwd' })],
    ['main', manifestFor('demo', { main: 'C:/x.js' })],
    ['main', manifestFor('demo', { main: 'dist\\plugin.js' })],
    ['main', manifestFor('demo', { main: 'dist/' })],
    ['integrity', manifestFor('demo', { integrity: 'sha256-abc' })],
    ['integrity', manifestFor('demo', { integrity: 'sha512-tooShort==' })],
    ['permissions[1]', manifestFor('demo', { permissions: ['storage', 'fs:read'] })],
    ['routes', manifestFor('demo', { routes: [route()] })],
    ['routes[0].permission', withRoutes([route({ permission: undefined })])],
    ['routes[0].permission', withRoutes([route({ permission: 'admin' })])],
    ['routes[0].permission', withRoutes([route({ permission: '' })])],
    ['routes[0].method', withRoutes([route({ method: 'get' })])],
    ['routes[0].method', withRoutes([route({ method: 'OPTIONS' })])],
    ['routes[0].path', withRoutes([route({ path: 'items' })])],
    ['routes[0].path', withRoutes([route({ path: '/a//b' })])],
    ['routes[0].path', withRoutes([route({ path: '/a/../b' })])],
    ['routes[0].path', withRoutes([route({ path: '/a/./b' })])],
    ['routes[0].path', withRoutes([route({ path: '/a/' })])],
    ['routes[0].path', withRoutes([route({ path: '/a/:' })])],
    ['routes[0].path', withRoutes([route({ path: '/a/:id/:id' })])],
    ['routes[0].path', withRoutes([route({ path: '/a b' })])],
    ['routes[0].path', withRoutes([route({ path: '/a%2f..' })])],
    ['routes[0].handler', withRoutes([route({ handler: 'get-item' })])],
    ['routes[2]', withRoutes([route(), route({ path: '/other' }), route({ path: '/items/:name' })])],
    ['routes[0].extra', withRoutes([route({ extra: 1 })])],
    ['services[1].name', manifestFor('demo', { services: [{ name: 'cap' }, { name: 'cap' }] })],
    ['services[0].name', manifestFor('demo', { services: [{ name: 'Cap.x' }] })],
    ['dependencies.demo', manifestFor('demo', { dependencies: { demo: '^1' } })],
    ['dependencies.nodes', manifestFor('demo', { dependencies: { nodes: 'nope' } })],
    ['limits.memoryMb', manifestFor('demo', { limits: { memoryMb: 4 } })],
    ['limits.memoryMb', manifestFor('demo', { limits: { memoryMb: 2048 } })],
    ['limits.callTimeoutMs', manifestFor('demo', { limits: { callTimeoutMs: 60_001 } })],
    ['limits.callTimeoutMs', manifestFor('demo', { limits: { callTimeoutMs: 1.5 } })],
    ['permisions', manifestFor('demo', { permisions: ['storage'] })],
  ])('refuses a bad %s', (field, doc) => {
    expect(fieldOf(doc)).toBe(field);
  });

  it('lists every problem in errors', () => {
    try {
      parseManifest(manifestFor('demo', { version: 'x', main: '/abs' }), SOURCE);
      expect.unreachable();
    } catch (err) {
      const fields = (err as { extras: { errors: { field: string }[] } }).extras.errors.map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['version', 'main']));
    }
  });

  it('refuses text that is not JSON, naming the file', () => {
    expect(() => parseManifest('{ nope', SOURCE)).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_MANIFEST_INVALID', extras: { file: SOURCE } }),
    );
    expect(fieldOf([])).toBe('(root)');
  });

  it('accepts the root path and routes that differ by method', () => {
    const m = parseManifest(
      withRoutes([
        route({ path: '/' }),
        route({ path: '/items/:id', method: 'DELETE', permission: 'demo:write' }),
        route(),
      ]),
      SOURCE,
    );
    expect(m.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /',
      'DELETE /items/:id',
      'GET /items/:id',
    ]);
  });
});
