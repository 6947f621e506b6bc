import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, Route, Routes } from "react-router";
import { NotFound } from "../../shell/NotFound";
import { Spinner } from "../../ui";
import { AccountsPage } from "./AccountsPage";
import { AsnDetailPage } from "./AsnDetailPage";
import { CompliancePage } from "./CompliancePage";
import { QueuePage } from "./QueuePage";
import "./opd.css";

// The talent map is shared with the BPSDM area: a chunk of its own, loaded when first opened.
const TalentMapPage = lazy(() => import("../talent/TalentMapPage").then((m) => ({ default: m.TalentMapPage })));
// "Data yang belum lengkap" shares its chunk with BPSDM's completeness pages.
const CompletenessPage = lazy(() =>
  import("../completeness/UnitCompletenessPage").then((m) => ({ default: m.OpdCompletenessPage })),
);

// Development plans (the approval queue and a plan's review) share a chunk with the ASN's own plan page.
const PlanQueuePage = lazy(() => import("../plans/PlanQueuePage").then((m) => ({ default: m.PlanQueuePage })));
const PlanReviewPage = lazy(() => import("../plans/PlanReviewPage").then((m) => ({ default: m.PlanReviewPage })));

// Course sessions and nominations: a chunk shared with BPSDM's session pages.
const OpdSessionsPage = lazy(() => import("../sessions/OpdSessionsPage").then((m) => ({ default: m.OpdSessionsPage })));

// The training-needs analysis and the unit's yearly programme: a chunk shared with BPSDM's programme pages.
const NeedsPage = lazy(() => import("../programmes/NeedsPage").then((m) => ({ default: m.OpdNeedsPage })));
const ProgrammePage = lazy(() => import("../programmes/ProgrammePage").then((m) => ({ default: m.OpdProgrammePage })));

/** The OPD admin area (/opd/*), loaded as its own chunk. */
export default function OpdArea() {
  return (
    <Routes>
      <Route element={<OpdLayout />}>
        <Route index element={<QueuePage />} />
        <Route path="kepatuhan" element={<CompliancePage />} />
        <Route path="asn/:nip" element={<AsnDetailPage />} />
        <Route path="akun" element={<AccountsPage />} />
        <Route
          path="talenta"
          element={
            <Suspense fallback={<Spinner />}>
              <TalentMapPage area="opd" />
            </Suspense>
          }
        />
        <Route
          path="kelengkapan"
          element={
            <Suspense fallback={<Spinner />}>
              <CompletenessPage />
            </Suspense>
          }
        />
        <Route
          path="rencana"
          element={
            <Suspense fallback={<Spinner />}>
              <PlanQueuePage />
            </Suspense>
          }
        />
        <Route
          path="rencana/:nip/:year"
          element={
            <Suspense fallback={<Spinner />}>
              <PlanReviewPage />
            </Suspense>
          }
        />
        <Route
          path="sesi"
          element={
            <Suspense fallback={<Spinner />}>
              <OpdSessionsPage />
            </Suspense>
          }
        />
        <Route
          path="kebutuhan"
          element={
            <Suspense fallback={<Spinner />}>
              <NeedsPage />
            </Suspense>
          }
        />
        <Route
          path="program"
          element={
            <Suspense fallback={<Spinner />}>
              <ProgrammePage />
            </Suspense>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** The area's own tabs (the shell's menu links only to the area's home). */
function OpdLayout() {
  const { t } = useTranslation();
  return (
    <>
      <nav className="opd-tabs" aria-label={t("opd.tabsLabel")}>
        <NavLink end to="/opd" className="opd-tabs__link">
          {t("opd.tabQueue")}
        </NavLink>
        <NavLink to="/opd/kepatuhan" className="opd-tabs__link">
          {t("opd.tabCompliance")}
        </NavLink>
        <NavLink to="/opd/akun" className="opd-tabs__link">
          {t("accounts.opd.tab")}
        </NavLink>
        <NavLink to="/opd/talenta" className="opd-tabs__link">
          {t("talent.nav")}
        </NavLink>
        <NavLink to="/opd/kelengkapan" className="opd-tabs__link">
          {t("completeness.opdTab")}
        </NavLink>
        <NavLink to="/opd/rencana" className="opd-tabs__link">
          {t("plans.opdTab")}
        </NavLink>
        <NavLink to="/opd/sesi" className="opd-tabs__link">
          {t("sessions.opdTab")}
        </NavLink>
        <NavLink to="/opd/kebutuhan" className="opd-tabs__link">
          {t("programmes.navNeeds")}
        </NavLink>
        <NavLink to="/opd/program" className="opd-tabs__link">
          {t("programmes.navProgramme")}
        </NavLink>
      </nav>
      <Outlet />
    </>
  );
}
