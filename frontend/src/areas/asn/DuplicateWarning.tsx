import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFormat } from "../../i18n/format";
import { useLearningRecord } from "./hooks";
import { StatusChip } from "./StatusChip";

/** The API's 409 possible_duplicate: which record the claim collides with, and where to find it. */
export function DuplicateWarning({ duplicateOf }: { duplicateOf: number | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const existing = useLearningRecord(duplicateOf);
  const record = existing.data;
  return (
    <div className="alert alert--warning duplicate-warning" role="alert">
      <p className="alert__title">{t("asn.claim.duplicateTitle")}</p>
      <div className="alert__body">
        <p>{t("asn.claim.duplicateBody")}</p>
        {record ? (
          <dl className="duplicate-warning__record">
            <dt>{t("asn.claim.title")}</dt>
            <dd>{record.title}</dd>
            <dt>{t("asn.claim.dates")}</dt>
            <dd>
              {f.date(record.start_date)} – {f.date(record.end_date)}
            </dd>
            {record.certificate_number && (
              <>
                <dt>{t("asn.claim.certificateNumber")}</dt>
                <dd>{record.certificate_number}</dd>
              </>
            )}
            <dt>{t("asn.records.jp")}</dt>
            <dd>{t("asn.jpValue", { value: f.number(record.jp) })}</dd>
            <dt>{t("asn.records.status")}</dt>
            <dd>
              <StatusChip status={record.status} />
            </dd>
          </dl>
        ) : (
          duplicateOf !== null && <p>{t("asn.claim.duplicateId", { id: duplicateOf })}</p>
        )}
        <p>
          <Link to={record ? `/saya/riwayat?tahun=${record.year}` : "/saya/riwayat"}>
            {t("asn.claim.duplicateLink")}
          </Link>
        </p>
      </div>
    </div>
  );
}
