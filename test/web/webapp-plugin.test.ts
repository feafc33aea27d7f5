import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLeftoverBundles, webApp, webIsStale } from '../../server/webapp/plugin';

let dist: string;
let app: FastifyInstance;

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'ph-web-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(
    path.join(dist, 'index.html'),
    '<!doctype html><title>Partner Hub</title><div id="root"></div>',
  );
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(dist, '.secret'), 'no');
  app = Fastify();
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/api/v1/me', async () => ({ user: null }));
  await app.register(webApp, { distDir: dist, autoBuild: false });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await rm(dist, { recursive: true, force: true });
});

describe('web app plugin', () => {
  it('serves index.html for app paths (SPA fallback), never cached', async () => {
    for (const url of ['/', '/customers', '/customers/abc?status=trial', '/invite/tok-en']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/text\/html/);
      expect(response.body).toContain('<div id="root">');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets with a long cache life and 404s missing ones', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    expect(missing.statusCode).toBe(404);
  });

  it('leaves /api and /healthz alone', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/me' })).json()).toEqual({ user: null });
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('does not serve dot files or escape the bundle directory', async () => {
    const dot = await app.inject({ method: 'GET', url: '/.secret' });
    expect(dot.body).not.toBe('no');
    const escape = await app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' });
    expect(escape.body).not.toContain('root:');
  });

  it('calls a bundle stale when a source is newer than its index.html', async () => {
    const old = new Date('2000-01-01T00:00:00Z');
    await utimes(path.join(dist, 'index.html'), old, old);
    expect(await webIsStale(dist)).toBe(true);
    const future = new Date(Date.now() + 3_600_000);
    await utimes(path.join(dist, 'index.html'), future, future);
    expect(await webIsStale(dist)).toBe(false);
    expect(await webIsStale(path.join(dist, 'missing'))).toBe(true);
  });

  it('removes the bundles a killed build left behind, and nothing of a build still running', async () => {
    const web = await mkdtemp(path.join(tmpdir(), 'ph-web-src-'));
    // Above Linux's largest pid: no process has it.
    const gone = 4_194_305;
    for (const name of [
      'dist',
      `.dist-${gone}-1`,
      `dist.old-${gone}-2`,
      `.dist-${process.pid}-3`,
      '.dist-notes',
    ])
      await mkdir(path.join(web, name, 'assets'), { recursive: true });
    expect((await removeLeftoverBundles(web)).sort()).toEqual([`.dist-${gone}-1`, `dist.old-${gone}-2`]);
    expect((await readdir(web)).sort()).toEqual([`.dist-${process.pid}-3`, '.dist-notes', 'dist']);
    await rm(web, { recursive: true, force: true });
  });
});
