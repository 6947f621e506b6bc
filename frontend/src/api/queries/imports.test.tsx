import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { fileNameOf } from "../../shell/DownloadButton";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { importJob, isActive, toFormData, useStartImport } from "./imports";

function job(overrides: Record<string, unknown>) {
  return {
    id: 5,
    kind: "asn",
    status: "running",
    filename: "pegawai.csv",
    total: 3,
    processed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    errors: [],
    summary: {},
    message: null,
    created_by: "bpsdm",
    created_at: "2026-11-28T02:00:00Z",
    started_at: "2026-11-28T02:00:01Z",
    finished_at: null,
    report_url: "/api/v1/imports/5/report",
    ...overrides,
  };
}

function wrapper() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
}

describe("importJob", () => {
  it("re-reads a running job until it has finished, then stops", async () => {
    // The job advances one row per read: running 1/3, 2/3, then succeeded 3/3.
    const states = [
      job({ status: "queued", total: null }),
      job({ processed: 1 }),
      job({ processed: 2 }),
      job({ status: "succeeded", processed: 3, created: 3, finished_at: "2026-11-28T02:00:05Z" }),
    ];
    let reads = 0;
    const api = fakeApi({ "GET /api/v1/imports/5": () => json(states[Math.min(reads++, states.length - 1)]) });
    const { result } = renderHook(() => useQuery(importJob(5, 10)), { wrapper: wrapper() });

    await waitFor(() => expect(result.current.data?.status).toBe("succeeded"), { timeout: 2000 });
    expect(result.current.data?.processed).toBe(3);
    const readsWhenDone = api.to("GET /api/v1/imports/5").length;
    expect(readsWhenDone).toBe(4);
    // Several intervals later nothing more was asked.
    await new Promise((r) => setTimeout(r, 80));
    expect(api.to("GET /api/v1/imports/5").length).toBe(readsWhenDone);
  });

  it("stops on a failed job too, and asks nothing without a job id", async () => {
    const api = fakeApi({ "GET /api/v1/imports/5": () => json(job({ status: "failed", message: "unreadable" })) });
    const { result, rerender } = renderHook(({ id }: { id: number | null }) => useQuery(importJob(id, 10)), {
      wrapper: wrapper(),
      initialProps: { id: null as number | null },
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(api.calls).toHaveLength(0);
    rerender({ id: 5 });
    await waitFor(() => expect(result.current.data?.status).toBe("failed"));
    await new Promise((r) => setTimeout(r, 50));
    expect(api.to("GET /api/v1/imports/5")).toHaveLength(1);
  });
});

describe("useStartImport", () => {
  it("uploads the file and the attendance fields as multipart form data", async () => {
    const api = fakeApi({
      "POST /api/v1/imports/attendance": () => json(job({ kind: "attendance", status: "queued" }), 202),
    });
    const { result } = renderHook(() => useStartImport(), { wrapper: wrapper() });
    const file = new File(["Name,Email\n"], "zoom.csv", { type: "text/csv" });
    result.current.mutate({
      kind: "attendance",
      file,
      attendance: {
        title: "Webinar SPBE",
        form_code: "16",
        session_date: "2026-11-20",
        session_minutes: "120",
        min_share: "",
      },
    });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    const [sent] = api.to("POST /api/v1/imports/attendance");
    expect(sent.headers.get("Content-Type")).toMatch(/^multipart\/form-data; boundary=/);
    // (jsdom's File loses its name and bytes on the way into undici's Request; the e2e test uploads a real one.)
    expect(sent.body).toContain('name="file"');
    expect(sent.body).toContain('name="title"\r\n\r\nWebinar SPBE');
    expect(sent.body).toContain('name="session_minutes"\r\n\r\n120');
    expect(sent.body).not.toContain('name="min_share"'); // empty fields are left out
  });

  it("fails with the API's problem code", async () => {
    fakeApi({ "POST /api/v1/imports/asn": () => problem(422, "missing_columns") });
    const { result } = renderHook(() => useStartImport(), { wrapper: wrapper() });
    result.current.mutate({ kind: "asn", file: new File(["x"], "a.csv") });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect((result.current.error as unknown as { code: string }).code).toBe("missing_columns");
  });
});

describe("helpers", () => {
  it("isActive is true only for queued and running jobs", () => {
    expect(
      ["queued", "running", "succeeded", "failed", "interrupted"].map((status) =>
        isActive({ status: status as never }),
      ),
    ).toEqual([true, true, false, false, false]);
  });

  it("toFormData keeps files and non-empty values", () => {
    const form = toFormData({ file: new File(["a"], "a.csv"), title: "T", empty: "", none: undefined });
    expect([...form.keys()]).toEqual(["file", "title"]);
  });

  it("fileNameOf reads the server's file name, preferring filename*", () => {
    expect(fileNameOf('attachment; filename="kepatuhan-jp-2026.xlsx"', "x.xlsx")).toBe("kepatuhan-jp-2026.xlsx");
    expect(fileNameOf("attachment; filename=a.xlsx; filename*=UTF-8''laporan%20impor.xlsx", "x")).toBe(
      "laporan impor.xlsx",
    );
    expect(fileNameOf(null, "cadangan.xlsx")).toBe("cadangan.xlsx");
  });
});
