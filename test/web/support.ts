// Helpers for the dashboard's browser tests: build web/dist when it is missing or stale, serve it with the API
// proxied (until the local service serves it itself), and launch the system Chromium through playwright-core.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB = join(ROOT, 'web');
export const DIST = join(WEB, 'dist');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('./artifacts', import.meta.url));

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/** Builds web/dist with Vite's JS API unless its index.html is newer than every source. */
export async function ensureDashboardBuilt(): Promise<'built' | 'fresh'> {
  const sources = Math.max(
    await newestMtime(join(WEB, 'src')),
    await newestMtime(join(WEB, 'index.html')),
    await newestMtime(join(WEB, 'vite.config.ts')),
  );
  const built = await stat(join(DIST, 'index.html')).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  if (built > sources) return 'fresh';
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  return 'built';
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

const API_PATHS = ['/v1/', '/health', '/openapi.json', '/docs'];

/**
 * Serves web/dist as the local service is meant to: files as files (a missing asset is a 404), every other
 * non-API path as index.html; API paths are proxied to `apiUrl`.
 */
export async function serveDashboard(apiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const api = new URL(apiUrl);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (API_PATHS.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) {
      const upstream = httpRequest(
        { hostname: api.hostname, port: api.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    const file = resolve(DIST, `.${normalize(path)}`);
    const inside = file.startsWith(`${DIST}${sep}`);
    const send = (target: string) => {
      res.writeHead(200, {
        'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
        'cache-control': target.includes(`${sep}assets${sep}`)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      });
      createReadStream(target).pipe(res);
    };
    stat(file).then(
      (info) => send(inside && info.isFile() ? file : join(DIST, 'index.html')),
      // A missing asset is an error to see, not a page; any other path is a client-side view.
      () => (path.startsWith('/assets/') ? res.writeHead(404).end() : send(join(DIST, 'index.html'))),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** The dashboard's URL: the service itself when it serves web/dist at `/`, else a proxying static server. */
export async function dashboardFor(serviceUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const home = await fetch(`${serviceUrl}/`).catch(() => undefined);
  if (home?.ok && home.headers.get('content-type')?.includes('text/html')) {
    return { url: serviceUrl, close: async () => {} };
  }
  return serveDashboard(serviceUrl);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
