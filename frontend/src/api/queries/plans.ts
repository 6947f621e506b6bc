import { keepPreviousData, queryOptions, skipToken, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { ApiError, isProblem, unwrap } from "../problem";
import type { components } from "../schema";

type Schemas = components["schemas"];
export type PlanRead = Schemas["PlanRead"];
export type PlanItemRead = Schemas["PlanItemRead"];
export type PlanItemIn = Schemas["PlanItemIn"];
export type PlanSummary = Schemas["PlanSummary"];
export type PlanHistory = Schemas["PlanHistory"];
export type PlanEvent = Schemas["PlanEventRead"];
export type PlanStatus = PlanRead["status"];
export type PlanDecision = Schemas["PlanDecision"];

/** Every development-plan query starts with this key: a write refreshes the lists and histories under it. */
const plansKey = ["development-plans"] as const;

/** A plan with the ETag its next edit sends back as If-Match; `plan` is null while the year has none. */
export interface PlanOfYear {
  plan: PlanRead | null;
  etag: string | null;
}

const planKey = (nip: string, year: number) => [...plansKey, "plan", nip, year] as const;

/** An ASN's individual development plan (IDP) for a year; a year without one answers `{plan: null}`. */
export const developmentPlanOfYear = (nip: string | null | undefined, year: number) =>
  queryOptions({
    queryKey: planKey(nip ?? "", year),
    queryFn: nip
      ? async ({ signal }): Promise<PlanOfYear> => {
          const call = api.GET("/api/v1/asn/{nip}/development-plans/{year}", {
            params: { path: { nip, year } },
            signal,
          });
          const { data, error, response } = await call;
          if (response.status === 404 && isProblem(error) && error.code === "development_plan_not_found") {
            return { plan: null, etag: null };
          }
          if (!response.ok || !data) throw new ApiError(response.status, isProblem(error) ? error : null);
          return { plan: data, etag: response.headers.get("ETag") };
        }
      : skipToken,
  });

/** Every step of a plan, oldest first, with the items as they were then. */
export const developmentPlanHistory = (nip: string, year: number) =>
  queryOptions({
    queryKey: [...plansKey, "history", nip, year],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/asn/{nip}/development-plans/{year}/history", { params: { path: { nip, year } }, signal }),
      ),
  });

export interface PlanListParams {
  year?: number;
  status?: PlanStatus;
  q?: string;
  cursor?: string | null;
  limit: number;
}

/** The plans of the ASN in the caller's units; with status=submitted the approval queue, oldest first. */
export const developmentPlans = ({ year, status, q, cursor, limit }: PlanListParams) => {
  const query = { year, status, q: q || undefined, cursor: cursor ?? undefined, limit };
  return queryOptions({
    queryKey: [...plansKey, "list", query],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/development-plans", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
};

/** The writes answer the plan with its new ETag: it replaces the cached one, the lists and history refresh. */
function usePlanWrite<V>(nip: string, year: number, write: (variables: V) => Promise<PlanOfYear>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: (saved) => {
      queryClient.setQueryData(planKey(nip, year), saved);
      void queryClient.invalidateQueries({
        queryKey: plansKey,
        predicate: (query) => query.queryKey[1] !== "plan",
      });
    },
    // 412 (changed elsewhere) or 409 (decided meanwhile): the cached plan is stale, read it again.
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 412 || error.status === 409 || error.status === 428)) {
        void queryClient.invalidateQueries({ queryKey: plansKey });
      }
    },
  });
}

async function withEtag(call: Promise<{ data?: PlanRead; error?: unknown; response: Response }>): Promise<PlanOfYear> {
  const plan = await unwrap(call);
  return { plan, etag: (await call).response.headers.get("ETag") };
}

/** Makes the year's plan as a draft, proposed from the competency gaps; a retried click is a replay. */
export const useCreatePlan = (nip: string, year: number) =>
  usePlanWrite(nip, year, ({ idempotencyKey }: { idempotencyKey: string }) =>
    withEtag(
      api.POST("/api/v1/asn/{nip}/development-plans/{year}", {
        params: { path: { nip, year }, header: { "Idempotency-Key": idempotencyKey } },
      }),
    ),
  );

/** Replaces the items of a draft or returned plan, with If-Match. */
export const useSavePlanItems = (nip: string, year: number) =>
  usePlanWrite(nip, year, ({ items, etag }: { items: PlanItemIn[]; etag: string | null }) =>
    withEtag(
      api.PUT("/api/v1/asn/{nip}/development-plans/{year}/items", {
        params: { path: { nip, year }, header: { "If-Match": etag ?? "" } },
        body: { items },
      }),
    ),
  );

/** Submits a draft or returned plan for the OPD admin's decision. */
export const useSubmitPlan = (nip: string, year: number) =>
  usePlanWrite(nip, year, (_: undefined) =>
    withEtag(api.POST("/api/v1/asn/{nip}/development-plans/{year}/submit", { params: { path: { nip, year } } })),
  );

/** Approves or returns (with a note) a submitted plan. */
export const useDecidePlan = (nip: string, year: number) =>
  usePlanWrite(nip, year, (body: PlanDecision) =>
    withEtag(
      api.POST("/api/v1/asn/{nip}/development-plans/{year}/decision", { params: { path: { nip, year } }, body }),
    ),
  );
