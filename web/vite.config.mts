/**
 * The console's build: web/ → web/dist, served under /console/ by the console functions
 * (or from a CDN in front of the API, README "Console"). `npm run dev:web` serves it with
 * live reload and sends the API's paths to the API started by `npm start`.
 */
import { defineConfig } from 'vite';

const api = `http://127.0.0.1:${process.env.HTTP_PORT ?? 3000}`;

export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(['/companies', '/cluster', '/health', '/openapi.json'].map((p) => [p, api])),
  },
});
