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
    // Route-level chunks (App.tsx lazy-loads the pages), and the libraries in chunks of their own (Rolldown's
    // codeSplitting groups, what manualChunks became in Vite 8), so a release that changes a screen leaves them
    // cached and the charts load with the Overview only. Higher priority claims a module first; each group takes
    // along the dependencies no earlier group claimed.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler|cookie|set-cookie-parser)[\\/]/, priority: 4 },
            // One Mantine chunk: split by the screens that use it, its parts ran before the ones they depend on.
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/](core|hooks|notifications)[\\/]/, priority: 3 },
            { name: 'icons', test: /node_modules[\\/]@tabler[\\/]/, priority: 2 },
            { name: 'charts', test: /node_modules[\\/](recharts|@mantine[\\/]charts)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: { port: 18106, proxy: { '/api': 'http://127.0.0.1:8000', '/o': 'http://127.0.0.1:8000' } },
});
