// Vite build of the staff UI. In `npm run dev` the API is proxied to a local server
// (UPRAVDOM_DEV_API, default http://127.0.0.1:8090) so cookies stay same-origin.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.UPRAVDOM_DEV_API ?? 'http://127.0.0.1:8090';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  build: { outDir: 'dist', chunkSizeWarningLimit: 2000 },
});
