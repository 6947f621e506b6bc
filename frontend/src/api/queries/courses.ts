import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { CourseCreate, CourseUpdate } from "../types";

const coursesKey = ["courses"] as const;

export interface CourseParams {
  q?: string;
  competency_code?: string;
  form_code?: string;
  active?: boolean;
  cursor?: string | null;
  limit: number;
}

/** The course catalogue, searched by title, code or organizer, a cursor page at a time. */
export const courses = ({ q, competency_code, form_code, active, cursor, limit }: CourseParams) => {
  const query = {
    q: q || undefined,
    competency_code: competency_code || undefined,
    form_code: form_code || undefined,
    active,
    cursor: cursor ?? undefined,
    limit,
  };
  return queryOptions({
    queryKey: [...coursesKey, "list", query],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/courses", { params: { query }, signal })),
  });
};

/** One course with its ETag, for its edit form. */
export const courseDetail = (courseId: number) =>
  queryOptions({
    queryKey: [...coursesKey, "detail", courseId],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/courses/{course_id}", { params: { path: { course_id: courseId } }, signal });
      const course = await unwrap(call);
      return { course, etag: (await call).response.headers.get("ETag") ?? "" };
    },
  });

export function useCreateCourse() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CourseCreate) => unwrap(api.POST("/api/v1/courses", { body })),
    // Not awaited: a refetched ETag would rebuild the form before it closes or shows a conflict.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: coursesKey });
    },
  });
}

/** Edits a course with If-Match; `competency_codes`, when sent, replaces its competency mapping. */
export function useUpdateCourse(courseId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: CourseUpdate; etag: string }) =>
      unwrap(
        api.PATCH("/api/v1/courses/{course_id}", {
          params: { path: { course_id: courseId }, header: { "If-Match": etag } },
          body,
        }),
      ),
    // Also after a failure: a 412 means the cached copy is stale, and the form shows the fresh one.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: coursesKey });
    },
  });
}
