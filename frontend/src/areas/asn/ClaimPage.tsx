import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useMe } from "../../api/queries/auth";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Card, useToast } from "../../ui";
import { ClaimForm } from "./ClaimForm";

/** /saya/klaim: file a learning claim with its certificate. */
export function ClaimPage() {
  const { t } = useTranslation();
  usePageTitle(t("asn.claim.pageTitle"));
  const { data: me } = useMe();
  const navigate = useNavigate();
  const toast = useToast();
  return (
    <div className="page">
      <p>
        <Link to="/saya">← {t("asn.backHome")}</Link>
      </p>
      <h1>{t("asn.claim.pageTitle")}</h1>
      {me?.nip ? (
        <Card>
          <ClaimForm
            nip={me.nip}
            onFiled={(record) => {
              toast.show(t("asn.claim.filed", { title: record.title }), { tone: "success" });
              void navigate("/saya");
            }}
          />
        </Card>
      ) : (
        <Alert tone="warning">{t("asn.noNip")}</Alert>
      )}
    </div>
  );
}
