import { useEffect, useState } from "react";

type ApiStatus = "memeriksa" | "aktif" | "tidak terjangkau";

async function checkHealth(signal: AbortSignal): Promise<boolean> {
  const response = await fetch("/healthz", {
    headers: { Accept: "application/json" },
    signal,
  });
  if (!response.ok) return false;
  const body: unknown = await response.json();
  return (
    typeof body === "object" &&
    body !== null &&
    (body as { status?: unknown }).status === "ok"
  );
}

export default function App() {
  const [apiStatus, setApiStatus] = useState<ApiStatus>("memeriksa");

  useEffect(() => {
    const controller = new AbortController();
    checkHealth(controller.signal)
      .then((ok) => setApiStatus(ok ? "aktif" : "tidak terjangkau"))
      .catch(() => {
        if (!controller.signal.aborted) setApiStatus("tidak terjangkau");
      });
    return () => controller.abort();
  }, []);

  return (
    <main className="page">
      <h1>Bangkom — Pengembangan Kompetensi ASN</h1>
      <p>Aplikasi web sedang dibangun. Nantikan pembaruan berikutnya.</p>
      <p
        className={`status status--${apiStatus.replace(" ", "-")}`}
        role="status"
        aria-live="polite"
      >
        API: {apiStatus === "memeriksa" ? "memeriksa…" : apiStatus}
      </p>
      <p>
        <a href="/api/docs">Dokumentasi API</a>
      </p>
    </main>
  );
}
