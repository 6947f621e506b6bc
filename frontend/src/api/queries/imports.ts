import { queryOptions, skipToken, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { ImportJob, ImportKind, TemplateKind } from "../types";

const importsKey = ["imports"] as const;

/** The ten latest import jobs. */
export const importJobs = () =>
  queryOptions({
    queryKey: [...importsKey, "latest"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/imports", { params: { query: { limit: 10 } }, signal })),
  });

/** A job still changing: polled until it is not. */
export function isActive(job: Pick<ImportJob, "status"> | undefined): boolean {
  return job?.status === "queued" || job?.status === "running";
}

/** One import job, re-read every `intervalMs` while it is queued or running. */
export const importJob = (id: number | null, intervalMs = 1000) =>
  queryOptions({
    queryKey: [...importsKey, id ?? 0],
    queryFn:
      id === null
        ? skipToken
        : ({ signal }) => unwrap(api.GET("/api/v1/imports/{job_id}", { params: { path: { job_id: id } }, signal })),
    refetchInterval: (query) => (isActive(query.state.data) ? intervalMs : false),
  });

export interface AttendanceFields {
  title?: string;
  form_code?: string;
  session_date?: string;
  session_minutes?: string;
  min_share?: string;
  course_id?: string;
}

export interface ImportRequest {
  kind: ImportKind;
  file: File;
  attendance?: AttendanceFields;
}

/** A multipart body: the file and the non-empty text fields. */
export function toFormData(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, value instanceof File ? value.name : name);
    else if (value !== undefined && value !== null && value !== "") form.append(name, String(value));
  }
  return form;
}

/** Uploads a file as an import job (202: the job, queued). */
export function useStartImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, file, attendance }: ImportRequest) => {
      // The schema types the file part as a string; the browser sends the File itself.
      const upload = file as unknown as string;
      const bodySerializer = (body: Record<string, unknown>) => toFormData(body);
      if (kind === "asn") return unwrap(api.POST("/api/v1/imports/asn", { body: { file: upload }, bodySerializer }));
      if (kind === "learning_records") {
        return unwrap(api.POST("/api/v1/imports/learning-records", { body: { file: upload }, bodySerializer }));
      }
      if (kind === "assessment_results") {
        return unwrap(api.POST("/api/v1/imports/assessment-results", { body: { file: upload }, bodySerializer }));
      }
      if (kind === "performance") {
        return unwrap(api.POST("/api/v1/imports/performance", { body: { file: upload }, bodySerializer }));
      }
      return unwrap(api.POST("/api/v1/imports/attendance", { body: { file: upload, ...attendance }, bodySerializer }));
    },
    onSuccess: (job) => {
      queryClient.setQueryData(importJob(job.id).queryKey, job);
      void queryClient.invalidateQueries({ queryKey: importJobs().queryKey, exact: true });
    },
  });
}

/** An import's template: its header row and an example row (for a DownloadButton). */
export const importTemplate = (kind: TemplateKind) =>
  api.GET("/api/v1/imports/templates/{kind}", {
    params: { path: { kind }, query: { format: "xlsx" } },
    parseAs: "blob",
  });

/** A finished job's report: its rejected rows (attendance: every participant), for a DownloadButton. */
export const importReport = (jobId: number) =>
  api.GET("/api/v1/imports/{job_id}/report", {
    params: { path: { job_id: jobId }, query: { format: "xlsx" } },
    parseAs: "blob",
  });
