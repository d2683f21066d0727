// Serves the built Monitor dashboard (web/dist) at `/`: assets as files, every other page path as index.html,
// so the single-page app's own routes load directly.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Router } from '../shared/api/router.js';

export const DASHBOARD_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Modelwatch</title>
<body style="font:16px system-ui;margin:3rem"><h1>Modelwatch</h1>
<p>The dashboard has not been built: run <code>npm run build:web</code> (npm start does it when needed), then reload.</p>
<p>The API is running: see <a href="/docs">the API reference</a>.</p></body></html>`;

export function dashboardRoute(router: Router, root = DASHBOARD_DIR): void {
  router.use('/assets/*', serveStatic({ root }));
  router.get('/favicon.svg', serveStatic({ root }));
  router.get('/', async (c) => c.html(await indexHtml(root)));
  // Page paths of the app (not the API, not documents with an extension) get the app itself.
  router.get('/:page{(?!v1/|openapi\\.json|docs|health|local-uploads/)[^.]*}', async (c) =>
    c.html(await indexHtml(root)),
  );
}

async function indexHtml(root: string): Promise<string> {
  const path = `${root}/index.html`;
  return existsSync(path) ? readFile(path, 'utf8') : NOT_BUILT;
}
