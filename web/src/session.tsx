import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, get, post, setCsrfToken, whenSessionEnds } from './api';

export interface Me {
  id: number;
  username: string;
  email: string;
  account: { id: number; name: string };
  superuser: boolean;
  readOnly: boolean;
  kind: string;
  groups: { id: number; name: string }[];
  warehouses: number[] | null;
  credential: { kind: string; id: number | null };
}

/** `/api/user/roles/`: `roles` in InvenTree's ruleset names, `rulesets` in ours (what the console checks). */
export interface Roles {
  roles: Record<string, string[] | null>;
  rulesets: Record<string, string[]>;
  is_staff: boolean;
  is_superuser: boolean;
  read_only: boolean;
  permissions: Record<string, string[]>;
}

export type Action = 'view' | 'add' | 'change' | 'delete';

interface SessionState {
  me: Me | null;
  roles: Roles | null;
  loading: boolean;
  /** Whether the API lets this user do `action` on `ruleset` (effective rights: read-only users keep view only). */
  can(ruleset: string, action: Action): boolean;
  refresh(): Promise<void>;
  started(csrf: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [roles, setRoles] = useState<Roles | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    const [m, r] = await Promise.all([get<Me>('/api/user/me/'), get<Roles>('/api/user/roles/')]);
    setMe(m);
    setRoles(r);
  }, []);

  const clear = useCallback(() => {
    setCsrfToken(null);
    setMe(null);
    setRoles(null);
  }, []);

  useEffect(() => {
    whenSessionEnds(clear);
    void (async () => {
      try {
        const s = await get<{ csrf_token: string }>('/api/auth/session');
        setCsrfToken(s.csrf_token);
        await load();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        clear();
      } finally {
        setLoading(false);
      }
    })();
  }, [load, clear]);

  const value: SessionState = {
    me,
    roles,
    loading,
    can: (ruleset, action) => Boolean(roles?.rulesets[ruleset]?.includes(action)),
    refresh: load,
    started: async (csrf) => {
      setCsrfToken(csrf);
      await load();
    },
    logout: async () => {
      try {
        await post('/api/auth/logout');
      } finally {
        clear();
      }
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
