// Who is signed in: loads GET /me at start, signs in and out, and sends the user to
// /login on any 401 from the API.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { onUnauthorized } from '../api/client';
import { authApi } from '../api/resources';
import type { User } from '../api/types';

interface AuthValue {
  user: User | null;
  /** True until the first GET /me has answered. */
  loading: boolean;
  canWrite: boolean;
  login: (login: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
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
    const res = await authApi.login({ login: loginName, password });
    setUser(res.user);
    return res.user;
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
    () => ({ user, loading, canWrite: !!user && user.role !== 'readonly', login, logout }),
    [user, loading, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
