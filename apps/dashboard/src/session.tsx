import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Tenant } from '@tally/contract';

/** The signed-in key's view: the tenants it reaches (every tenant for admin keys, its own otherwise). */
export interface Session {
  tenants: Tenant[];
  /** More tenants exist than were loaded (admin keys with many tenants). */
  moreTenants: boolean;
  signOut: (message?: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export function tenantName(session: Session, tenantId: string): string {
  return session.tenants.find((t) => t.id === tenantId)?.name ?? tenantId;
}
