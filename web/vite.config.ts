import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes a brotli (.br) and a gzip (.gz) copy next to each script and style
 * sheet, compressed once at build time at the highest levels; the server sends
 * the one the browser accepts (a third of the bytes for the first load).
 */
function precompress(): Plugin {
  return {
    name: 'sundial-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const [name, file] of Object.entries(bundle)) {
        if (!/\.(js|css)$/.test(name)) continue;
        const data = Buffer.from(file.type === 'chunk' ? file.code : file.source);
        const path = join(options.dir!, name);
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

// Built by `npm run build` (and so by `npm install`) into dist/web-ui, which `sundial server` serves.
export default defineConfig({
  plugins: [react(), precompress()],
  base: '/',
  build: { outDir: '../dist/web-ui', emptyOutDir: true, sourcemap: true },
  // `npx vite web` for UI work with hot reload, against a `sundial server` on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
