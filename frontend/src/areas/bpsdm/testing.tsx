// What the BPSDM page tests share: the logged-in users and a page rendered with the app's providers.
import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { createQueryClient } from "../../queryClient";
import { json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";

export const ADMIN = {
  username: "bpsdm",
  role: "bpsdm_admin",
  nip: null,
  unit_id: null,
  scopes: [],
  must_change_password: false,
};
export const AUDITOR = { ...ADMIN, username: "auditor", role: "auditor" };
export const AT = "2026-01-05T08:00:00Z";

/** A GET /reference/{kind} answer: the code list with these codes and names. */
export const codeList = (kind: string, items: Array<[code: string, name: string]>) =>
  json({ kind, items: items.map(([code, name]) => ({ code, name })) });

/**
 * Renders a page with a fresh query client, the toasts and a router; with `route`, the page is
 * mounted at that route pattern and the router starts at `path`.
 */
export function renderPage(page: ReactElement, { path = "/", route }: { path?: string; route?: string } = {}) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          {route ? (
            <Routes>
              <Route path={route} element={page} />
            </Routes>
          ) : (
            page
          )}
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}
