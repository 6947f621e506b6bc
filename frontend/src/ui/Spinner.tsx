import { useTranslation } from "react-i18next";

/** A loading indicator with a spoken label. */
export function Spinner({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t("app.loading")}</span>
    </div>
  );
}
