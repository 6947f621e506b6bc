import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { recordEvidence } from "../../api/queries/learningRecords";
import type { RecordDetail } from "../../api/types";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Spinner, useObjectUrl } from "../../ui";

/** The record's certificate: a PDF in a frame, an image as an image, both from a blob: URL. */
export function EvidencePreview({ record }: { record: RecordDetail }) {
  const { t } = useTranslation();
  const evidence = useQuery(recordEvidence(record.evidence ? record.id : null));
  const url = useObjectUrl(evidence.data);

  if (!record.evidence) return <p className="opd-evidence__none">{t("opd.evidenceNone")}</p>;
  if (evidence.error) return <ProblemAlert error={evidence.error} />;
  if (!url || !evidence.data) return <Spinner />;
  const name = record.evidence.filename ?? t("opd.evidenceFile");
  const isImage = evidence.data.type.startsWith("image/") || record.evidence.content_type.startsWith("image/");
  return (
    <div className="opd-evidence">
      {isImage ? (
        <img className="opd-evidence__image" src={url} alt={t("opd.evidenceAlt", { name })} />
      ) : (
        <iframe className="opd-evidence__frame" src={url} title={t("opd.evidenceAlt", { name })} />
      )}
      <a className="opd-evidence__open" href={url} download={name} target="_blank" rel="noreferrer">
        {t("opd.evidenceOpen", { name })}
      </a>
    </div>
  );
}
