import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type CertificateRead,
  certificatePdf,
  idempotencyKey,
  type SessionRead,
  sessionCertificates,
  useIssueCertificates,
} from "../../api/queries/sessions";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Alert, Button, Card, type Column, DataTable, Spinner } from "../../ui";

/**
 * The session's certificates: "Terbitkan sertifikat" numbers one for each credited participant who
 * has none yet; each row links to its PDF and to the public check a QR code leads to.
 */
export function CertificatesCard({ session }: { session: SessionRead }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const list = useQuery({ ...sessionCertificates(session.id), throwOnError: false });
  const issue = useIssueCertificates(session.id);
  const [key, setKey] = useState(idempotencyKey);

  const columns: Column<CertificateRead>[] = [
    {
      key: "number",
      header: t("sessions.certificates.number"),
      sortValue: (c) => c.sequence,
      cell: (c) => (
        <>
          <a
            className="cell-main sessions-number"
            href={`/sertifikat/${encodeURIComponent(c.number)}`}
            target="_blank"
            rel="noopener"
            aria-label={t("sessions.certificates.check", { number: c.number })}
          >
            {c.number}
          </a>
          {c.revoked && (
            <span className="session-chip session-chip--declined">{t("sessions.certificates.revoked")}</span>
          )}
        </>
      ),
    },
    {
      key: "holder",
      header: t("sessions.col.nominee"),
      sortValue: (c) => c.name,
      cell: (c) => (
        <>
          <span className="cell-main">{c.name}</span>
          <span className="cell-sub">{c.nip}</span>
        </>
      ),
    },
    {
      key: "jp",
      header: t("sessions.certificates.jp"),
      align: "end",
      sortValue: (c) => c.jp,
      cell: (c) => f.number(c.jp),
    },
    {
      key: "issued",
      header: t("sessions.certificates.issuedOn"),
      sortValue: (c) => c.issued_on,
      cell: (c) => f.date(c.issued_on),
    },
    {
      key: "pdf",
      header: t("sessions.certificates.pdf"),
      cell: (c) =>
        c.revoked ? null : (
          <DownloadButton
            request={() => certificatePdf(c.number)}
            fallbackName={`sertifikat-${c.number}.pdf`}
            aria-label={t("sessions.certificates.pdfFor", { name: c.name })}
          >
            {t("sessions.certificates.pdf")}
          </DownloadButton>
        ),
    },
  ];

  return (
    <Card
      title={t("sessions.certificates.title")}
      actions={
        can("certificates_issue") && !session.cancelled ? (
          <Button
            busy={issue.isPending}
            onClick={() =>
              issue.mutate(key, {
                // A later click is a new request (someone may have been credited meanwhile).
                onSettled: () => setKey(idempotencyKey()),
              })
            }
          >
            {t("sessions.certificates.issue")}
          </Button>
        ) : undefined
      }
    >
      {issue.error && <ProblemAlert error={issue.error} />}
      {issue.data && (
        <Alert tone="success" title={t("sessions.certificates.issuedTitle")}>
          <p data-testid="certificates-issued">
            {issue.data.issued.length > 0
              ? t("sessions.certificates.issued", { count: issue.data.issued.length })
              : t("sessions.certificates.nothing", { count: issue.data.already_issued })}
          </p>
        </Alert>
      )}
      {list.error && !list.data ? (
        <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data ? (
        <Spinner />
      ) : (
        <div data-testid="session-certificates">
          <DataTable
            caption={t("sessions.certificates.caption")}
            columns={columns}
            rows={list.data}
            rowKey={(c) => c.number}
            empty={t("sessions.certificates.empty")}
          />
        </div>
      )}
    </Card>
  );
}
