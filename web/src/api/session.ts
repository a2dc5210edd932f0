/**
 * Who is signed in, for hiding what the role may not do. With auth off the
 * server answers `admin` (everything is allowed on a loopback-only server).
 */
import { useQuery } from '@tanstack/react-query';
import { api, type Role } from './client.js';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function useSession() {
  return useQuery({ queryKey: ['session'], queryFn: api.session, staleTime: 60_000, retry: false });
}

/** Whether the signed-in role may do what `needed` may (false while unknown or signed out). */
export function useCan(needed: Role): boolean {
  const role = useSession().data?.role;
  return role !== undefined && RANK[role] >= RANK[needed];
}
