import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where `npm run build` put the web UI: dist/web-ui, whether this module runs
 * from src/ (tests, tsx) or from dist/src/ (the installed CLI).
 */
function defaultWebRoot(): string | undefined {
  return [join(here, '../../dist/web-ui'), join(here, '../../web-ui')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  );
}

/** Paths that belong to the API and must keep answering JSON, never the UI's page. */
const API_PREFIXES = ['/api/', '/_internal_/', '/metrics'];

/**
 * The web UI on the API's port: hashed assets cached for a year (and sent
 * as the brotli or gzip copy the build wrote, when the browser takes it),
 * and index.html (never cached, so a new build is picked up) for every
 * other GET, where the browser-side router takes over.
 */
export const webUi =
  (root: string | undefined = defaultWebRoot()): FastifyPluginAsync =>
  async (app) => {
    const page = root
      ? readFileSync(join(root, 'index.html'))
      : '<!doctype html><title>Sundial</title><p>The web UI is not built: run <code>npm run build</code>.</p>';
    if (root) {
      await app.register(fastifyStatic, {
        root: join(root, 'assets'),
        prefix: '/assets/',
        // Vite puts a content hash in every asset name, so a name never changes meaning.
        immutable: true,
        maxAge: '365d',
        index: false,
        preCompressed: true,
        // The same address answers brotli, gzip or plain bytes: a cache in between must tell them apart.
        setHeaders: (res) => res.setHeader('vary', 'accept-encoding'),
      });
    }
    const servePage = async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0]!;
      if (API_PREFIXES.some((p) => path.startsWith(p))) throw new HttpError(404, `no route for GET ${path}`);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    };
    // '/' on its own: the request guards refuse an empty wildcard.
    app.get('/', servePage);
    app.get('/*', servePage);
  };
