// Who is signed in: loads GET /me at start, signs in and out, switches the CRM space
// (PATCH /me), and sends the user to /login on any 401 from the API.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { onUnauthorized } from '../api/client';
import { authApi } from '../api/resources';
import type { Me, Space } from '../api/types';

interface AuthValue {
  user: Me | null;
  /** True until the first GET /me has answered. */
  loading: boolean;
  canWrite: boolean;
  isAdmin: boolean;
  /** The CRM space the user works in (P-4); external ids of the other one are read-only. */
  space: Space | undefined;
  login: (login: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  /** PATCH /me {space}; the user follows the answer. Throws the API error. */
  setSpace: (space: Space) => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const navigate = useNavigate();

  useEffect(() => {
    let cancelled = false;
    authApi
      .me()
      .then((u) => !cancelled && setUser(u))
      .catch(() => !cancelled && setUser(null))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    onUnauthorized(() => {
      setUser(null);
      if (window.location.pathname !== '/login') {
        navigate('/login', { replace: true, state: { from: window.location.pathname + window.location.search } });
      }
    });
    return () => onUnauthorized(null);
  }, [navigate]);

  const login = useCallback(async (loginName: string, password: string) => {
    await authApi.login({ login: loginName, password });
    // the login answer's user has no `space`; GET /me has it
    const me = await authApi.me();
    setUser(me);
    return me;
  }, []);

  const setSpace = useCallback(async (space: Space) => {
    const me = await authApi.updateMe({ space });
    setUser(me);
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      /* the session may already be gone; sign out locally anyway */
    }
    setUser(null);
    navigate('/login', { replace: true });
  }, [navigate]);

  const value = useMemo<AuthValue>(
    () => ({
      user,
      loading,
      canWrite: !!user && user.role !== 'readonly',
      isAdmin: user?.role === 'admin',
      space: user?.space,
      login,
      logout,
      setSpace,
    }),
    [user, loading, login, logout, setSpace],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
