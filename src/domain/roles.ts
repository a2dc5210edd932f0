/** What an API token may do; each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route requires: `public` (probes, the API document), a role, or
 * `task` (a job's report on its own task: that task's token, or an operator).
 */
export type Access = 'public' | Role | 'task';

/**
 * Whether `role` satisfies `needed`.
 *
 * @example
 * roleAllows('operator', 'viewer'); // true
 * roleAllows('viewer', 'operator'); // false
 */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
