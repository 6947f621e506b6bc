// Data hooks of the BPSDM area (province reports, imports, rules, users, integration clients).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type ComplianceFigures = Schemas["ComplianceFigures"];
export type GapMatrix = Schemas["CompetencyGapMatrix"];
export type GapCell = Schemas["GapCell"];
export type ImportJob = Schemas["ImportJobRead"];
export type ImportKind = Schemas["ImportKind"];
export type RuleSet = Schemas["RuleSetRead"];
export type RuleSetBody = Schemas["RuleSetBody"];
export type UserRead = Schemas["UserRead"];
export type UserCreate = Schemas["UserCreate"];
export type ClientRead = Schemas["ClientRead"];
export type ClientWithSecret = Schemas["ClientWithSecret"];
export type ClientCreate = Schemas["ClientCreate"];

export const bpsdmKeys = {
  budgetTrend: ["bpsdm", "budget-trend"] as const,
  gapMatrix: ["bpsdm", "gap-matrix"] as const,
  imports: ["bpsdm", "imports"] as const,
  importJob: (id: number) => ["bpsdm", "imports", id] as const,
  rules: (year: number) => ["bpsdm", "rules", year] as const,
  users: (q: string, cursor: string | null) => ["bpsdm", "users", q, cursor] as const,
  clients: (cursor: string | null) => ["bpsdm", "clients", cursor] as const,
};

/** The budget check of every year on record, oldest first. */
export function useBudgetTrend() {
  return useQuery({
    queryKey: bpsdmKeys.budgetTrend,
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/budgets/compliance", { signal })),
  });
}

/** Mean competency gap per top-level unit × competency (the province's heat map). */
export function useGapMatrix() {
  return useQuery({
    queryKey: bpsdmKeys.gapMatrix,
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/reports/competency-gap-matrix", { signal })),
  });
}

/** A job still changing: polled until it is not. */
export function isActive(job: Pick<ImportJob, "status"> | undefined): boolean {
  return job?.status === "queued" || job?.status === "running";
}

/** One import job, re-read every `intervalMs` while it is queued or running. */
export function useImportJob(id: number | null, intervalMs = 1000) {
  return useQuery({
    queryKey: bpsdmKeys.importJob(id ?? 0),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/imports/{job_id}", { params: { path: { job_id: id! } }, signal })),
    enabled: id !== null,
    refetchInterval: (query) => (isActive(query.state.data) ? intervalMs : false),
  });
}

export function useImportJobs() {
  return useQuery({
    queryKey: bpsdmKeys.imports,
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/imports", { params: { query: { limit: 10 } }, signal })),
  });
}

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
      return unwrap(
        api.POST("/api/v1/imports/attendance", { body: { file: upload, ...attendance }, bodySerializer }),
      );
    },
    onSuccess: (job) => {
      queryClient.setQueryData(bpsdmKeys.importJob(job.id), job);
      void queryClient.invalidateQueries({ queryKey: bpsdmKeys.imports, exact: true });
    },
  });
}

/** The rule set in force for a year, with its ETag for an update. */
export function useRules(year: number) {
  return useQuery({
    queryKey: bpsdmKeys.rules(year),
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/rules/{year}", { params: { path: { year } }, signal });
      const rules = await unwrap(call);
      return { rules, etag: (await call).response.headers.get("ETag") };
    },
  });
}

export function useSaveRules(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, etag }: { body: RuleSetBody; etag: string | null }) => {
      const call = api.PUT("/api/v1/rules/{year}", {
        params: { path: { year }, header: { "If-Match": etag } },
        body,
      });
      const rules = await unwrap(call);
      return { rules, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: (saved) => queryClient.setQueryData(bpsdmKeys.rules(year), saved),
  });
}

export function useUsers(q: string, cursor: string | null, limit = 50) {
  return useQuery({
    queryKey: bpsdmKeys.users(q, cursor),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/users", { params: { query: { q: q || undefined, cursor: cursor ?? undefined, limit } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => unwrap(api.POST("/api/v1/users", { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["bpsdm", "users"] }),
  });
}

export function useClients(cursor: string | null) {
  return useQuery({
    queryKey: bpsdmKeys.clients(cursor),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/clients", { params: { query: { cursor: cursor ?? undefined } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ClientCreate) => unwrap(api.POST("/api/v1/clients", { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["bpsdm", "clients"] }),
  });
}

export function useRotateSecret() {
  return useMutation({
    mutationFn: (clientPk: number) =>
      unwrap(api.POST("/api/v1/clients/{client_pk}/secret", { params: { path: { client_pk: clientPk } } })),
  });
}
