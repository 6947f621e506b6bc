import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format";
import { useObjectUrl } from "../../ui";

/**
 * Whether the file's bytes open as a PDF ("%PDF-"), read from its first bytes. A file that only has
 * a PDF's name and type is not embedded: Chromium's PDF viewer takes the page's focus as it loads and,
 * on such a file, only shows an error, which gains the user nothing. The server still judges.
 */
function useLooksLikePdf(file: File, isPdf: boolean): boolean | null {
  const [verdict, setVerdict] = useState<boolean | null>(null);
  useEffect(() => {
    setVerdict(null);
    if (!isPdf || typeof file.slice !== "function") return undefined;
    let live = true;
    const head = file.slice(0, 5);
    const read = typeof head.arrayBuffer === "function" ? head.arrayBuffer() : new Response(head).arrayBuffer();
    read.then(
      (buffer) => {
        if (live) setVerdict(new TextDecoder("latin1").decode(buffer) === "%PDF-");
      },
      () => {
        if (live) setVerdict(false);
      },
    );
    return () => {
      live = false;
    };
  }, [file, isPdf]);
  return verdict;
}

/** The chosen certificate: name and size, a thumbnail for images, the first page for PDFs. */
export function EvidencePreview({ file }: { file: File }) {
  const { t } = useTranslation();
  const f = useFormat();
  const url = useObjectUrl(file);
  const isPdf = file.type === "application/pdf";
  // Phones and headless browsers have no built-in PDF viewer: an <object> would be an empty box.
  const canEmbedPdf = typeof navigator !== "undefined" && navigator.pdfViewerEnabled !== false;
  const readable = useLooksLikePdf(file, isPdf);
  const size =
    file.size >= 1024 * 1024
      ? `${f.number(file.size / (1024 * 1024), 1)} MB`
      : `${f.number(Math.max(1, Math.round(file.size / 1024)), 0)} KB`;
  return (
    <figure className="evidence-preview" aria-label={t("asn.claim.previewLabel")}>
      {url && !isPdf && (
        <img className="evidence-preview__image" src={url} alt={t("asn.claim.previewAlt", { name: file.name })} />
      )}
      {url && isPdf && canEmbedPdf && readable === true && (
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
          {isPdf && readable === false && <span className="cell-sub">{t("asn.claim.pdfUnreadable")}</span>}
          {url && isPdf && !canEmbedPdf && readable !== false && (
            <a href={url} target="_blank" rel="noreferrer">
              {t("asn.claim.openFile")}
            </a>
          )}
        </span>
      </figcaption>
    </figure>
  );
}
