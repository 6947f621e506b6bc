import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
// RouterProvider from "react-router" itself: "react-router/dom" resolves to a second copy of the
// router under Node (tests), whose context the route components would not see.
import { createBrowserRouter, createMemoryRouter, RouterProvider } from "react-router";
import type { Session } from "./api/session";
import { AuthProvider } from "./auth/AuthProvider";
import { createQueryClient } from "./queryClient";
import { routes } from "./router";
import { GlobalErrorBoundary } from "./shell/ErrorBoundary";
import { ToastProvider } from "./ui";

export interface AppProps {
  session: Session;
  queryClient?: QueryClient;
  /** Start at this path in memory instead of the browser's address (tests). */
  initialPath?: string;
}

export default function App({ session, queryClient, initialPath }: AppProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const [router] = useState(() =>
    initialPath ? createMemoryRouter(routes, { initialEntries: [initialPath] }) : createBrowserRouter(routes),
  );
  return (
    <GlobalErrorBoundary>
      <QueryClientProvider client={client}>
        <ToastProvider>
          <AuthProvider session={session}>
            <RouterProvider router={router} />
          </AuthProvider>
        </ToastProvider>
      </QueryClientProvider>
    </GlobalErrorBoundary>
  );
}
