import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { NotFound } from "../../shell/NotFound";
import { Spinner } from "../../ui";
import "./asn.css";
import { ClaimPage } from "./ClaimPage";
import { HomePage } from "./HomePage";
import { RecordsPage } from "./RecordsPage";

// The development plan (IDP) shares its chunk with the OPD admin's review of plans.
const MyPlanPage = lazy(() => import("../plans/MyPlanPage").then((m) => ({ default: m.MyPlanPage })));

/** The ASN area (/saya/*), loaded as its own chunk. Add the area's pages here. */
export default function AsnArea() {
  return (
    <Routes>
      <Route index element={<HomePage />} />
      <Route path="klaim" element={<ClaimPage />} />
      <Route path="riwayat" element={<RecordsPage />} />
      <Route
        path="rencana"
        element={
          <Suspense fallback={<Spinner />}>
            <MyPlanPage />
          </Suspense>
        }
      />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
