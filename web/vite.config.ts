// Builds the Monitor dashboard into web/dist: a static site with relative asset paths, so the same files
// work served by the local service at `/` and from S3 behind CloudFront.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = process.env.MODELWATCH_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inlined data URLs: the page's CSP-friendly and every asset is a file under assets/.
    assetsInlineLimit: 0,
  },
  // `npx vite --config web/vite.config.ts` serves the sources with the API proxied to a running service.
  server: { proxy: { '/v1': api, '/health': api } },
});
