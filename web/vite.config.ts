import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by `npm run build` (and so by `npm install`) into dist/web-ui, which `sundial server` serves.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: '../dist/web-ui', emptyOutDir: true, sourcemap: true },
  // `npx vite web` for UI work with hot reload, against a `sundial server` on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
