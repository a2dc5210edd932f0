import type { Access } from '../../domain/roles.js';

type Rule = [methods: readonly string[], url: RegExp, access: Access];

const READ = ['GET', 'HEAD'];
const ANY = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * The one place that decides what each route requires, first match wins.
 * A route may instead declare `config: { access }` itself; anything matched
 * by neither needs an admin (deny by default).
 */
const RULES: readonly Rule[] = [
  // Probes and the API's own description hold no data.
  [READ, /^\/(_internal_\/healthcheck|health|ready|api\/openapi\.json)$/, 'public'],
  // The web UI's page and assets: code, no data (the page reads the API with the user's session).
  [READ, /^\/(\*|assets\/\*)?$/, 'public'],
  [READ, /^\/(metrics|_internal_\/metrics)$/, 'viewer'],
  // A job's reports on its own task: its task token, or an operator acting for it.
  [['POST'], /^\/api\/tasks\/:\w+\/(succeed|fail|metadata|log_entries)$/, 'task'],
  [['POST'], /^\/api\/process_definitions\/:\w+\/(trigger|pause|resume)$/, 'operator'],
  [['POST'], /^\/api\/processes\/:\w+\/(kill|retry)$/, 'operator'],
  [READ, /^\/api\/(tokens|audit)(\/|$)/, 'admin'],
  [READ, /^\/api(\/|$)/, 'viewer'],
  // Everything else writes: definitions, tokens.
  [ANY, /^/, 'admin'],
];

/**
 * What the route `method url` (Fastify's route pattern, e.g.
 * `/api/processes/:id/kill`) requires.
 *
 * @example
 * accessOf('POST', '/api/processes/:id/kill'); // 'operator'
 */
export function accessOf(method: string, url: string): Access {
  const path = url.length > 1 ? url.replace(/\/$/, '') : url;
  return RULES.find(([methods, pattern]) => methods.includes(method) && pattern.test(path))?.[2] ?? 'admin';
}
