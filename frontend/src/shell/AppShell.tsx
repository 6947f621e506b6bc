import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useLocation, useNavigation } from "react-router";
import { useMe } from "../api/queries/auth";
import { useAuth } from "../auth/AuthProvider";
import { AREA_PATH, type Area, areasFor, homeFor, isRole } from "../auth/roles";
import { LanguageSwitch } from "../i18n/LanguageSwitch";
import { Button } from "../ui";
import { NotificationBell } from "./NotificationBell";

const AREA_LABEL = { asn: "nav.asnHome", opd: "nav.opdQueue", bpsdm: "nav.bpsdmDashboard" } as const;

/**
 * The frame of every page after login: a header with the areas of the user's role, the language
 * switch and logout. On a phone the links fold into a menu button.
 */
export function AppShell() {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const { data: me } = useMe();
  const location = useLocation();
  const navigation = useNavigation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const menuId = useId();

  // Following a link closes the menu: adjusted while rendering, so the next page never shows it open.
  const [menuPath, setMenuPath] = useState(location.pathname);
  if (menuPath !== location.pathname) {
    setMenuPath(location.pathname);
    setMenuOpen(false);
  }

  const role = me?.role ?? "";
  const areas: Area[] = areasFor(role);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="topbar">
        <Link to={homeFor(role)} className="topbar__brand">
          <span className="brand-mark" aria-hidden="true">
            B
          </span>
          <span>{t("app.name")}</span>
        </Link>
        {/* Outside the folding menu: the unread count shows on a phone too. */}
        <div className="topbar__quick">
          <NotificationBell />
          <button
            type="button"
            className="topbar__menu-button"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span> {menuOpen ? t("nav.closeMenu") : t("nav.menu")}
          </button>
        </div>
        <div id={menuId} className={menuOpen ? "topbar__menu topbar__menu--open" : "topbar__menu"}>
          <nav aria-label={t("nav.label")}>
            <ul className="nav">
              {areas.map((area) => (
                <li key={area}>
                  <NavLink to={AREA_PATH[area]} className="nav__link">
                    {t(AREA_LABEL[area])}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="topbar__tools">
            <LanguageSwitch />
            {me && (
              <span className="topbar__user" title={t("nav.signedInAs", { name: me.username })}>
                {me.username}
                <span className="topbar__role">{isRole(role) ? t(`roles.${role}`) : role}</span>
              </span>
            )}
            <NavLink to="/kata-sandi" className="nav__link">
              {t("password.title")}
            </NavLink>
            <Button
              variant="secondary"
              busy={leaving}
              busyLabel={t("auth.loggingOut")}
              onClick={() => {
                setLeaving(true);
                void logout();
              }}
            >
              {t("auth.logout")}
            </Button>
          </div>
        </div>
      </header>
      {navigation.state === "loading" && (
        <div className="route-progress" role="progressbar" aria-label={t("app.loading")} />
      )}
      <main id="main" className="shell__main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
