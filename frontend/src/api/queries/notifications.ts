import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { DeliveryStatus, NotificationPage, NotificationPreferencesBody } from "../types";

/** The caller's inbox: its pages and the header's unread count. */
export const inboxKey = ["notifications", "inbox"] as const;
const preferencesKey = ["notifications", "preferences"] as const;
const deliveriesKey = ["notifications", "deliveries"] as const;

/** How often the header asks for the unread count while the tab is open (and on focus, when stale). */
export const UNREAD_POLL_MS = 60_000;

/** The number of the caller's unread notifications, for the header's bell: one item asked for, the count read. */
export const unreadCount = () =>
  queryOptions({
    queryKey: [...inboxKey, "unread-count"],
    queryFn: async ({ signal }) =>
      (await unwrap(api.GET("/api/v1/me/notifications", { params: { query: { unread: true, limit: 1 } }, signal })))
        .unread_count,
    refetchInterval: UNREAD_POLL_MS,
  });

export interface InboxQuery {
  /** Only the unread ones (true), or all. */
  unread: boolean;
  cursor: string | null;
  limit: number;
}

/** One page of the caller's notifications, newest first, in the UI language. */
export const inbox = ({ unread, cursor, limit }: InboxQuery) =>
  queryOptions({
    queryKey: [...inboxKey, "list", unread, cursor, limit],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/me/notifications", {
          params: { query: { unread: unread || undefined, cursor: cursor ?? undefined, limit } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

/**
 * Mark one notification read (again: no change). The pages already loaded take the answer in place,
 * so one opened under "Belum dibaca" stays in view until the list is next read; the bell counts again.
 */
export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(
        api.POST("/api/v1/me/notifications/{notification_id}/read", { params: { path: { notification_id: id } } }),
      ),
    onSuccess: (marked) => {
      queryClient.setQueriesData<NotificationPage>({ queryKey: [...inboxKey, "list"] }, (page) =>
        page ? { ...page, items: page.items.map((n) => (n.id === marked.id ? marked : n)) } : page,
      );
      return queryClient.invalidateQueries({ queryKey: unreadCount().queryKey });
    },
  });
}

/** "Tandai semua dibaca". */
export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/me/notifications/read-all")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKey }),
  });
}

/** The caller's notification preferences with the ETag a change must send back. */
export const notificationPreferences = () =>
  queryOptions({
    queryKey: preferencesKey,
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/me/notification-preferences", { signal });
      const preferences = await unwrap(call);
      return { preferences, etag: (await call).response.headers.get("ETag") };
    },
  });

export function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, etag }: { body: NotificationPreferencesBody; etag: string | null }) => {
      const call = api.PUT("/api/v1/me/notification-preferences", {
        // Every change needs If-Match (the defaults have the ETag "0"); a blank one gets the 428.
        params: { header: { "If-Match": etag ?? "" } },
        body,
      });
      const preferences = await unwrap(call);
      return { preferences, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: (saved) => queryClient.setQueryData(preferencesKey, saved),
  });
}

export interface DeliveriesQuery {
  status?: DeliveryStatus;
  /** A campaign's code, `year_closing`, … */
  kind?: string;
  cursor: string | null;
  limit: number;
}

/** One page of the email delivery log, newest first. */
export const deliveries = ({ status, kind, cursor, limit }: DeliveriesQuery) =>
  queryOptions({
    queryKey: [...deliveriesKey, status ?? "all", kind ?? "all", cursor, limit],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/notifications/deliveries", {
          params: { query: { status, kind: kind || undefined, cursor: cursor ?? undefined, limit } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

/** After a reminder run: the caller's own inbox and the delivery log may have grown. */
export function invalidateNotifications(queryClient: ReturnType<typeof useQueryClient>) {
  return queryClient.invalidateQueries({ queryKey: ["notifications"] });
}
