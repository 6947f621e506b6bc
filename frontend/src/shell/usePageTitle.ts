import { useEffect } from "react";
import { useTranslation } from "react-i18next";

/** Sets document.title to "<page> · Bangkom" (read first by screen readers after a navigation). */
export function usePageTitle(title: string) {
  const { t } = useTranslation();
  const app = t("app.name");
  useEffect(() => {
    document.title = title ? `${title} · ${app}` : app;
  }, [title, app]);
}
