import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format";
import { useObjectUrl } from "../../ui";

/** The chosen certificate: name and size, a thumbnail for images, the first page for PDFs. */
export function EvidencePreview({ file }: { file: File }) {
  const { t } = useTranslation();
  const f = useFormat();
  const url = useObjectUrl(file);
  const isPdf = file.type === "application/pdf";
  // Phones and headless browsers have no built-in PDF viewer: an <object> would be an empty box.
  const canEmbedPdf = typeof navigator !== "undefined" && navigator.pdfViewerEnabled !== false;
  const size =
    file.size >= 1024 * 1024
      ? `${f.number(file.size / (1024 * 1024), 1)} MB`
      : `${f.number(Math.max(1, Math.round(file.size / 1024)), 0)} KB`;
  return (
    <figure className="evidence-preview" aria-label={t("asn.claim.previewLabel")}>
      {url && !isPdf && (
        <img className="evidence-preview__image" src={url} alt={t("asn.claim.previewAlt", { name: file.name })} />
      )}
      {url && isPdf && canEmbedPdf && (
        <object
          className="evidence-preview__pdf"
          data={`${url}#page=1&toolbar=0&view=FitH`}
          type="application/pdf"
          aria-label={t("asn.claim.previewAlt", { name: file.name })}
        >
          <p className="cell-sub">{t("asn.claim.pdfNoPreview")}</p>
        </object>
      )}
      <figcaption className="evidence-preview__caption">
        <span className="evidence-preview__icon" aria-hidden="true">
          {isPdf ? "PDF" : "IMG"}
        </span>
        <span>
          <span className="cell-main">{file.name}</span>
          <span className="cell-sub">
            {isPdf ? t("asn.claim.pdfFile") : t("asn.claim.imageFile")} · {size}
          </span>
          {url && isPdf && !canEmbedPdf && (
            <a href={url} target="_blank" rel="noreferrer">
              {t("asn.claim.openFile")}
            </a>
          )}
        </span>
      </figcaption>
    </figure>
  );
}
