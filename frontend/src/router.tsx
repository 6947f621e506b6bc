import type { RouteObject } from "react-router";
import { ChangePasswordPage } from "./auth/ChangePasswordPage";
import { HomeRedirect, RequireArea, RequireAuth } from "./auth/guards";
import { LoginPage } from "./auth/LoginPage";
import { AppShell } from "./shell/AppShell";
import { RouteError } from "./shell/ErrorBoundary";
import { NotFound } from "./shell/NotFound";
import { Spinner } from "./ui";

// Each area is a chunk of its own, fetched the first time one of its paths is opened: an ASN never
// downloads the dashboards. An area renders its own <Routes> (see areas/*/index.tsx).
const area = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage />, errorElement: <RouteError /> },
  // The public certificate check (the QR code on a printed certificate leads here): no login.
  { path: "/sertifikat/:number", lazy: area(() => import("./areas/public")), errorElement: <RouteError /> },
  {
    path: "/",
    element: (
      <RequireAuth>
        <AppShell />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    // Shown while the area chunk of the first URL opened loads.
    hydrateFallbackElement: <Spinner />,
    children: [
      {
        // Errors of a page replace the page only, inside the shell.
        errorElement: <RouteError />,
        children: [
          { index: true, element: <HomeRedirect /> },
          { path: "kata-sandi", element: <ChangePasswordPage /> },
          // Every role's inbox (the header's bell): a chunk of its own.
          { path: "kotak-masuk", lazy: area(() => import("./areas/inbox")) },
          {
            element: <RequireArea area="asn" />,
            children: [{ path: "saya/*", lazy: area(() => import("./areas/asn")) }],
          },
          {
            element: <RequireArea area="opd" />,
            children: [{ path: "opd/*", lazy: area(() => import("./areas/opd")) }],
          },
          {
            element: <RequireArea area="bpsdm" />,
            children: [{ path: "bpsdm/*", lazy: area(() => import("./areas/bpsdm")) }],
          },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
];
