// Course sessions (angkatan), their nominations, attendance and the certificates BPSDM issues.
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { components } from "../schema";

type Schemas = components["schemas"];
export type SessionRead = Schemas["SessionRead"];
export type SessionCreate = Schemas["SessionCreate"];
export type UnitSeats = Schemas["UnitSeats"];
export type NominationRead = Schemas["NominationRead"];
export type NominationStatus = NominationRead["status"];
export type NominationsResult = Schemas["NominationsResult"];
export type NominationResult = Schemas["NominationResult"];
export type Suggestion = Schemas["Suggestion"];
export type AttendanceResult = Schemas["AttendanceResult"];
export type CertificateRead = Schemas["CertificateRead"];
export type IssueResult = Schemas["IssueResult"];

const sessionsKey = ["course-sessions"] as const;
const PAGE = 500;

/** A fresh Idempotency-Key (also where crypto.randomUUID is missing: a page served over plain http). */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every page of a cursor list (a calendar or a session's nominations are a few hundred rows at most). */
async function allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

/** The calendar: every course's sessions running between two days, by start date. */
export const sessionCalendar = (from: string, to: string) =>
  queryOptions({
    queryKey: [...sessionsKey, "calendar", from, to],
    queryFn: ({ signal }) =>
      allPages((cursor) =>
        unwrap(api.GET("/api/v1/course-sessions", { params: { query: { from, to, limit: PAGE, cursor } }, signal })),
      ),
  });

/** One session with its seats (an OPD admin's own nominees in `nominations`). */
export const sessionDetail = (sessionId: number) =>
  queryOptions({
    queryKey: [...sessionsKey, "detail", sessionId],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/course-sessions/{session_id}", { params: { path: { session_id: sessionId } }, signal })),
  });

/** A session's nominations in the caller's units (all of them for BPSDM), by OPD, then in the order made. */
export const sessionNominations = (sessionId: number) =>
  queryOptions({
    queryKey: [...sessionsKey, "nominations", sessionId],
    queryFn: ({ signal }) =>
      allPages((cursor) =>
        unwrap(
          api.GET("/api/v1/course-sessions/{session_id}/nominations", {
            params: { path: { session_id: sessionId }, query: { limit: PAGE, cursor } },
            signal,
          }),
        ),
      ),
  });

/** Whom to nominate: ASN planned for the course first, then the largest competency shortfalls. */
export const sessionSuggestions = (sessionId: number) =>
  queryOptions({
    queryKey: [...sessionsKey, "suggestions", sessionId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/course-sessions/{session_id}/suggestions", {
          params: { path: { session_id: sessionId } },
          signal,
        }),
      ),
    staleTime: 0,
  });

/** The certificates of a session in sequence order. */
export const sessionCertificates = (sessionId: number) =>
  queryOptions({
    queryKey: [...sessionsKey, "certificates", sessionId],
    queryFn: ({ signal }) =>
      allPages((cursor) =>
        unwrap(
          api.GET("/api/v1/course-sessions/{session_id}/certificates", {
            params: { path: { session_id: sessionId }, query: { limit: PAGE, cursor } },
            signal,
          }),
        ),
      ),
  });

/** A certificate as a PDF (for DownloadButton). */
export const certificatePdf = (number: string) =>
  api.GET("/api/v1/certificates/{number}/pdf", { params: { path: { number } }, parseAs: "blob" });

/** Schedules a session of a course; `key` makes a retried submit create it once. */
export function useCreateSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ courseId, body, key }: { courseId: number; body: SessionCreate; key: string }) =>
      unwrap(
        api.POST("/api/v1/courses/{course_id}/sessions", {
          params: { path: { course_id: courseId }, header: { "Idempotency-Key": key } },
          body,
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });
}

/** Nominates ASN for a session: one result per NIP (refusals included), never beyond the seats. */
export function useNominate(sessionId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ nips, key }: { nips: string[]; key: string }) =>
      unwrap(
        api.POST("/api/v1/course-sessions/{session_id}/nominations", {
          params: { path: { session_id: sessionId }, header: { "Idempotency-Key": key } },
          body: { nips },
        }),
      ),
    // Also after a refusal of the whole request (a session that closed meanwhile): the seats changed.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });
}

/** Accepts or declines a pending nomination. */
export function useDecideNomination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      nominationId,
      decision,
      note,
    }: {
      nominationId: number;
      decision: "accept" | "decline";
      note?: string;
    }) =>
      unwrap(
        api.POST("/api/v1/nominations/{nomination_id}/decision", {
          params: { path: { nomination_id: nominationId } },
          body: { decision, note: note || null },
        }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });
}

/** Withdraws a nomination before the session starts; its seat is free again. */
export function useWithdrawNomination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ nominationId }: { nominationId: number }) =>
      unwrap(
        api.POST("/api/v1/nominations/{nomination_id}/withdraw", {
          params: { path: { nomination_id: nominationId } },
          body: {},
        }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
    },
  });
}

/** Credits the accepted nominees who attended: one verified learning record each, exactly once. */
export function useRecordAttendance(sessionId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (nips: string[]) =>
      unwrap(
        api.POST("/api/v1/course-sessions/{session_id}/attendance", {
          params: { path: { session_id: sessionId } },
          body: { nips },
        }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: sessionsKey });
      // The credited ASN's JP totals changed.
      void queryClient.invalidateQueries({ queryKey: ["asn"] });
    },
  });
}

/** Issues a numbered certificate to each credited participant who has none yet. */
export function useIssueCertificates(sessionId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) =>
      unwrap(
        api.POST("/api/v1/course-sessions/{session_id}/certificates", {
          params: { path: { session_id: sessionId }, header: { "Idempotency-Key": key } },
        }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: [...sessionsKey, "certificates", sessionId] });
    },
  });
}
