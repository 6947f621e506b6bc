import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useSyncExternalStore } from "react";
import { currentUser } from "../api/queries/auth";
import type { Session, SessionStatus } from "../api/session";
import type { Me } from "../api/types";
import { ReloginDialog } from "./ReloginDialog";

interface Auth {
  status: SessionStatus;
  /** Password grant, then GET /auth/me; rejects with the ApiError of a refused login. */
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ session, children }: { session: Session; children: ReactNode }) {
  const queryClient = useQueryClient();
  const status = useSyncExternalStore(session.subscribe, session.getStatus);

  const login = useCallback(
    async (username: string, password: string) => {
      await session.login(username, password);
      return queryClient.fetchQuery(currentUser());
    },
    [session, queryClient],
  );
  const logout = useCallback(async () => {
    await session.logout();
    // The next user of this tab must not see a byte of the previous one's data.
    queryClient.clear();
  }, [session, queryClient]);
  const auth = useMemo(() => ({ status, login, logout }), [status, login, logout]);

  return (
    <AuthContext.Provider value={auth}>
      {children}
      <ReloginDialog open={status === "expired"} session={session} onLogout={logout} />
    </AuthContext.Provider>
  );
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth needs an <AuthProvider> above it");
  return auth;
}
