import { lazy, type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Route, Routes } from "react-router";
import { type Operation, useCan } from "../../auth/can";
import { NotFound } from "../../shell/NotFound";
import { Spinner } from "../../ui";
import { AuditPage } from "./AuditPage";
import "./bpsdm.css";
import { ClientsPage } from "./ClientsPage";
import { DashboardPage } from "./DashboardPage";
import { ImportPage } from "./ImportPage";
import { ReferencePage } from "./ReferencePage";
import { RulesPage } from "./RulesPage";
import { UsersPage } from "./UsersPage";

// Master data ("Organisasi"): chunks of their own, loaded when first opened.
const OrganisationPage = lazy(() => import("./OrganisationPage").then((m) => ({ default: m.OrganisationPage })));
const PositionStandardPage = lazy(() =>
  import("./PositionStandardPage").then((m) => ({ default: m.PositionStandardPage })),
);
const BudgetPage = lazy(() => import("./BudgetPage").then((m) => ({ default: m.BudgetPage })));
const CompetencyPage = lazy(() => import("./CompetencyPage").then((m) => ({ default: m.CompetencyPage })));
const CoursePage = lazy(() => import("./CoursePage").then((m) => ({ default: m.CoursePage })));
// The talent map is shared with the OPD area: a chunk of its own that neither area's chunk holds.
const TalentMapPage = lazy(() => import("../talent/TalentMapPage").then((m) => ({ default: m.TalentMapPage })));
const IpAsnPage = lazy(() => import("./IpAsnPage").then((m) => ({ default: m.IpAsnPage })));
// Data completeness is shared with the OPD area (like the talent map); reminders and closing a year
// are chunks of their own.
const LeaguePage = lazy(() => import("../completeness/LeaguePage").then((m) => ({ default: m.LeaguePage })));
const UnitCompletenessPage = lazy(() =>
  import("../completeness/UnitCompletenessPage").then((m) => ({ default: m.BpsdmUnitCompletenessPage })),
);
const CampaignsPage = lazy(() => import("../reminders/CampaignsPage").then((m) => ({ default: m.CampaignsPage })));
const YearClosingPage = lazy(() =>
  import("../reminders/YearClosingPage").then((m) => ({ default: m.YearClosingPage })),
);
// Course sessions (the calendar, a session's nominations, attendance and certificates): their own chunk.
const CalendarPage = lazy(() => import("../sessions/CalendarPage").then((m) => ({ default: m.CalendarPage })));
const SessionPage = lazy(() => import("../sessions/SessionPage").then((m) => ({ default: m.SessionPage })));
// Training needs and development programmes: a chunk shared with the OPD admin's programme pages.
const NeedsPage = lazy(() => import("../programmes/NeedsPage").then((m) => ({ default: m.BpsdmNeedsPage })));
const ProvinceProgrammePage = lazy(() =>
  import("../programmes/ProvinceProgrammePage").then((m) => ({ default: m.ProvinceProgrammePage })),
);
const UnitProgrammePage = lazy(() =>
  import("../programmes/ProgrammePage").then((m) => ({ default: m.BpsdmUnitProgrammePage })),
);

const LINKS = [
  { to: "/bpsdm", label: "bpsdm.nav.dashboard", end: true },
  { to: "/bpsdm/ip-asn", label: "bpsdm.ipAsn.nav", end: false },
  { to: "/bpsdm/talenta", label: "talent.nav", end: false },
  { to: "/bpsdm/kelengkapan", label: "completeness.nav", end: false },
  { to: "/bpsdm/pengingat", label: "reminders.nav", end: false },
  { to: "/bpsdm/tutup-tahun", label: "reminders.closing.nav", end: false },
  { to: "/bpsdm/impor", label: "bpsdm.nav.import", end: false },
  { to: "/bpsdm/aturan", label: "bpsdm.nav.rules", end: false },
  { to: "/bpsdm/pengguna", label: "bpsdm.nav.users", end: false },
  { to: "/bpsdm/klien", label: "bpsdm.nav.clients", end: false },
  { to: "/bpsdm/referensi", label: "bpsdm.reference.nav", end: false },
  { to: "/bpsdm/organisasi", label: "bpsdm.masterData.nav", end: false },
  { to: "/bpsdm/kompetensi", label: "bpsdm.competencyPage.nav", end: false },
  { to: "/bpsdm/diklat", label: "bpsdm.coursePage.nav", end: false },
  { to: "/bpsdm/sesi", label: "sessions.nav", end: false },
  { to: "/bpsdm/anggaran", label: "bpsdm.budgetPage.nav", end: false },
  { to: "/bpsdm/kebutuhan", label: "programmes.navNeeds", end: false },
  { to: "/bpsdm/program", label: "programmes.navProgramme", end: false },
  { to: "/bpsdm/audit", label: "bpsdm.nav.audit", end: false, needs: "audit_list" },
] as const satisfies ReadonlyArray<{ to: string; label: string; end: boolean; needs?: Operation }>;

/** The area's own menu: a row of links that scrolls sideways on a phone. */
function AreaNav() {
  const { t } = useTranslation();
  const can = useCan();
  return (
    <nav className="bpsdm-nav" aria-label={t("bpsdm.nav.label")}>
      <ul>
        {LINKS.filter((link) => !("needs" in link) || can(link.needs)).map((link) => (
          <li key={link.to}>
            <NavLink to={link.to} end={link.end} className="bpsdm-nav__link">
              {t(link.label)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Lazy({ page }: { page: ReactNode }) {
  return <Suspense fallback={<Spinner />}>{page}</Suspense>;
}

/** The BPSDM area (/bpsdm/*), loaded as its own chunk. */
export default function BpsdmArea() {
  return (
    <>
      <AreaNav />
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="talenta" element={<Lazy page={<TalentMapPage area="bpsdm" />} />} />
        <Route path="impor" element={<ImportPage />} />
        <Route path="aturan" element={<RulesPage />} />
        <Route path="pengguna" element={<UsersPage />} />
        <Route path="klien" element={<ClientsPage />} />
        <Route path="referensi" element={<ReferencePage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="organisasi" element={<Lazy page={<OrganisationPage />} />} />
        <Route path="organisasi/jabatan/:positionId" element={<Lazy page={<PositionStandardPage />} />} />
        <Route path="anggaran" element={<Lazy page={<BudgetPage />} />} />
        <Route path="kompetensi" element={<Lazy page={<CompetencyPage />} />} />
        <Route path="diklat" element={<Lazy page={<CoursePage />} />} />
        <Route path="ip-asn" element={<Lazy page={<IpAsnPage />} />} />
        <Route path="kelengkapan" element={<Lazy page={<LeaguePage />} />} />
        <Route path="kelengkapan/:unitId" element={<Lazy page={<UnitCompletenessPage />} />} />
        <Route path="pengingat" element={<Lazy page={<CampaignsPage />} />} />
        <Route path="tutup-tahun" element={<Lazy page={<YearClosingPage />} />} />
        <Route path="sesi" element={<Lazy page={<CalendarPage />} />} />
        <Route path="sesi/:sessionId" element={<Lazy page={<SessionPage />} />} />
        <Route path="kebutuhan" element={<Lazy page={<NeedsPage />} />} />
        <Route path="program" element={<Lazy page={<ProvinceProgrammePage />} />} />
        <Route path="program/:unitId" element={<Lazy page={<UnitProgrammePage />} />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </>
  );
}
