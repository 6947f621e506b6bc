import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { ApiError } from "../../api/problem";
import { publicCertificate } from "../../api/queries/certificates";
import { useFormat } from "../../i18n/format";
import { LanguageSwitch } from "../../i18n/LanguageSwitch";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Spinner } from "../../ui";
import "./public.css";

/** /sertifikat/:number — anyone (no login) checks a certificate BPSDM issued, e.g. from its QR code. */
export function CertificateCheckPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("public.certificate.title"));
  const number = useParams().number ?? "";
  const check = useQuery(publicCertificate(number));
  const unknown = check.error instanceof ApiError && check.error.status === 404;
  const certificate = check.data;

  return (
    <div className="login public-check">
      <div className="login__top">
        <LanguageSwitch />
      </div>
      <main className="login__panel" id="main">
        <p className="login__brand">
          <span className="brand-mark" aria-hidden="true">
            B
          </span>
          {t("app.name")} · {t("public.certificate.issuer")}
        </p>
        <h1>{t("public.certificate.title")}</h1>
        <p className="public-check__number">
          {t("public.certificate.number")}: <strong>{number}</strong>
        </p>
        {check.isPending && <Spinner />}
        {unknown && (
          <Alert tone="error" title={t("public.certificate.unknownTitle")}>
            {t("public.certificate.unknownBody")}
          </Alert>
        )}
        {check.isError && !unknown && <ProblemAlert error={check.error} onRetry={() => void check.refetch()} />}
        {certificate && (
          <>
            {certificate.valid ? (
              <Alert tone="success" title={t("public.certificate.validTitle")}>
                {t("public.certificate.validBody", { issuer: certificate.issuer })}
              </Alert>
            ) : (
              <Alert tone="error" title={t("public.certificate.revokedTitle")}>
                {t("public.certificate.revokedBody")}
              </Alert>
            )}
            <dl className="public-check__facts">
              <dt>{t("public.certificate.name")}</dt>
              <dd>{certificate.name}</dd>
              <dt>{t("public.certificate.course")}</dt>
              <dd>{certificate.course_title}</dd>
              <dt>{t("public.certificate.dates")}</dt>
              <dd>
                {certificate.starts_on === certificate.ends_on
                  ? f.date(certificate.starts_on)
                  : t("public.certificate.period", {
                      start: f.date(certificate.starts_on),
                      end: f.date(certificate.ends_on),
                    })}
              </dd>
              <dt>{t("public.certificate.jp")}</dt>
              <dd>{t("public.certificate.jpValue", { jp: f.number(certificate.jp) })}</dd>
              <dt>{t("public.certificate.issuedOn")}</dt>
              <dd>{f.date(certificate.issued_on)}</dd>
            </dl>
          </>
        )}
      </main>
    </div>
  );
}
