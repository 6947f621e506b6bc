import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { usePageTitle } from "./usePageTitle";

export function NotFound() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  usePageTitle(t("errors.notFoundTitle"));
  return (
    <div className="page">
      <h1>{t("errors.notFoundTitle")}</h1>
      <p>{t("errors.notFoundBody", { path: pathname })}</p>
      <p>
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </div>
  );
}
