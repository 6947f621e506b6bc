import { useState } from "react";
import { useTranslation } from "react-i18next";
import { unwrap } from "../api/problem";
import { Button, type ButtonProps } from "../ui";
import { ProblemAlert } from "./ProblemAlert";

interface BlobResult {
  data?: Blob;
  error?: unknown;
  response: Response;
}

/** The file name a Content-Disposition header proposes (filename* first), or `fallback`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // a malformed encoding: fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
  return plain ? (plain[2] ?? plain[1]).trim() : fallback;
}

/** Saves a blob answer of the API under the server's file name, through an object URL and <a download>. */
export async function saveDownload(call: Promise<BlobResult>, fallbackName: string): Promise<string> {
  const blob = await unwrap(call);
  const name = fileNameOf((await call).response.headers.get("Content-Disposition"), fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start reading the blob before it goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export interface DownloadButtonProps extends Omit<ButtonProps, "onClick"> {
  /** Starts the API call (with parseAs: "blob"). */
  request: () => Promise<BlobResult>;
  fallbackName: string;
}

/** A button that downloads a file from the API, busy while it comes, with the error under it. */
export function DownloadButton({
  request,
  fallbackName,
  children,
  variant = "secondary",
  ...rest
}: DownloadButtonProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <span className="download">
      <Button
        {...rest}
        variant={variant}
        busy={busy}
        busyLabel={t("ui.downloading")}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await saveDownload(request(), fallbackName);
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        {children}
      </Button>
      {error !== null && <ProblemAlert error={error} />}
    </span>
  );
}
