import { useTranslation } from "react-i18next";
import { Link, Navigate, Outlet, useLocation } from "react-router";
import { useMe } from "../api/queries/auth";
import { Spinner } from "../ui";
import { useAuth } from "./AuthProvider";
import { ChangePasswordPage } from "./ChangePasswordPage";
import { AREA_ROLES, type Area, homeFor, isRole } from "./roles";

/**
 * Logged-in users only; others go to /login and come back afterwards. An expired session keeps
 * rendering the page (the re-login dialog covers it) so nothing on it is lost.
 */
export function RequireAuth({ children }: { children: React.ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  const me = useMe(status === "active" || status === "expired");
  if (status === "restoring") return <Spinner />;
  if (status === "anonymous") {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (me.error) throw me.error;
  if (!me.data) return <Spinner />;
  // A one-time password: the API answers 403 password_change_required to everything else anyway,
  // so nothing else is offered until the user has chosen a password of their own.
  if (me.data.must_change_password) {
    return (
      <main id="main" className="shell__main">
        <ChangePasswordPage forced />
      </main>
    );
  }
  return <>{children}</>;
}

/** The pages of an area, for the roles allowed there. */
export function RequireArea({ area }: { area: Area }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  if (!me) return <Spinner />;
  if (!(AREA_ROLES[area] as readonly string[]).includes(me.role)) {
    return (
      <div className="page">
        <h1>{t("errors.forbiddenTitle")}</h1>
        <p>{t("errors.forbiddenBody", { role: isRole(me.role) ? t(`roles.${me.role}`) : me.role })}</p>
        <p>
          <Link to={homeFor(me.role)}>{t("errors.backHome")}</Link>
        </p>
      </div>
    );
  }
  return <Outlet />;
}

/** "/" sends each role to its home. */
export function HomeRedirect() {
  const { data: me } = useMe();
  if (!me) return <Spinner />;
  return <Navigate to={homeFor(me.role)} replace />;
}
