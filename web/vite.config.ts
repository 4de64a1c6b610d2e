import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console: built into web/dist, served by the API server at / (src/http/console.ts). */
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One origin, no inline scripts: the server's Content-Security-Policy allows 'self' scripts only.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: { port: 18106, proxy: { '/api': 'http://127.0.0.1:8000', '/o': 'http://127.0.0.1:8000' } },
});
