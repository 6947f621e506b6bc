import { queryOptions } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";

/** The public check of a certificate number (no login): name, course, dates, JP and whether it is valid. */
export const publicCertificate = (number: string) =>
  queryOptions({
    queryKey: ["public-certificate", number.trim().toUpperCase()],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/public/certificates/{number}", { params: { path: { number: number.trim() } }, signal })),
    retry: false,
    // The page says itself what an unknown number means, instead of the error boundary.
    throwOnError: false,
  });
