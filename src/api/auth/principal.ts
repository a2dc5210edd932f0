import type { Access, Role } from '../../domain/roles.js';

/**
 * Who made a request: nobody we know (`anonymous`), an API token (its name
 * and role), or a job holding the task token of one task.
 *
 * @example
 * const who: Principal = { kind: 'token', id, name: 'ci', role: 'operator' };
 */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'token'; id: string; name: string; role: Role }
  | { kind: 'task'; taskId: string };

/**
 * A registered route with what it requires (the authorization matrix test walks these).
 *
 * @example
 * const r: RouteAccess = { method: 'POST', url: '/api/processes/:id/kill', access: 'operator' };
 */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

/** How the audit log names a principal. */
export function actorOf(p: Principal): { actor: string; role: string | null } {
  if (p.kind === 'token') return { actor: `token:${p.name}`, role: p.role };
  if (p.kind === 'task') return { actor: `task:${p.taskId}`, role: 'task' };
  return { actor: 'anonymous', role: null };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyInstance {
    /** Every route with what it requires. */
    routeAccess: RouteAccess[];
  }
  interface FastifyContextConfig {
    /** What the route requires; see route-access.ts. */
    access?: Access;
  }
}
