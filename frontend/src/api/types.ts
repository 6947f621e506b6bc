// Names for the generated schema types the UI uses; add a line here rather than spelling out
// components["schemas"][...] in pages.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

export type Problem = Schemas["Problem"];
export type Me = Schemas["Me"];
export type TokenResponse = Schemas["TokenResponse"];
export type JpSummary = Schemas["JpSummary"];
export type AsnRead = Schemas["AsnRead"];
export type AsnUpdate = Schemas["AsnUpdate"];
export type QueueItem = Schemas["QueueItem"];
export type QueuePage = Schemas["QueuePage"];
export type JpComplianceReport = Schemas["JpComplianceReport"];
export type UnitJpCompliance = Schemas["UnitJpCompliance"];

export type RecordRead = Schemas["RecordRead"];
export type RecordCreate = Schemas["RecordCreate"];
export type RecordDetail = Schemas["RecordDetail"];
export type RecordStatus = RecordRead["status"];
export type Decision = Schemas["Decision"];
export type CompetencyGaps = Schemas["CompetencyGaps"];
export type CompetencyRead = Schemas["CompetencyRead"];
export type CodeItem = Schemas["CodeItem"];
export type CodeList = Schemas["CodeList"];
export type ImportJob = Schemas["ImportJobRead"];
export type ImportKind = Schemas["ImportKind"];
export type TemplateKind = Schemas["TemplateKind"];
export type RuleSet = Schemas["RuleSetRead"];
export type RuleSetBody = Schemas["RuleSetBody"];
export type UserRead = Schemas["UserRead"];
export type UserCreate = Schemas["UserCreate"];
export type ProvisionRequest = Schemas["ProvisionRequest"];
export type ProvisionResult = Schemas["ProvisionResult"];
export type ProvisionedAccount = Schemas["ProvisionedAccount"];
export type PasswordReset = Schemas["PasswordReset"];
export type ClientRead = Schemas["ClientRead"];
export type ClientCreate = Schemas["ClientCreate"];
export type ClientWithSecret = Schemas["ClientWithSecret"];
export type AuditRead = Schemas["AuditRead"];
/** The code lists GET /reference/{kind} serves. */
export type ReferenceKind = paths["/api/v1/reference/{kind}"]["get"]["parameters"]["path"]["kind"];

/** The four user roles (GET /auth/me `role`). */
export type Role = "asn" | "opd_admin" | "bpsdm_admin" | "auditor";

// Master data (organisation and competency standards).
export type UnitRead = Schemas["UnitRead"];
export type UnitCreate = Schemas["UnitCreate"];
export type UnitUpdate = Schemas["UnitUpdate"];
export type PositionRead = Schemas["PositionRead"];
export type PositionCreate = Schemas["PositionCreate"];
export type PositionUpdate = Schemas["PositionUpdate"];
export type StandardItem = Schemas["StandardItem"];
export type StandardLine = Schemas["StandardLine"];
export type BulkApply = Schemas["BulkApply"];
export type BulkResult = Schemas["BulkResult"];
export type CompetencyCreate = Schemas["CompetencyCreate"];
export type CompetencyUpdate = Schemas["CompetencyUpdate"];
export type StandardDefault = Schemas["StandardDefault"];
export type CourseRead = Schemas["CourseRead"];
export type CourseCreate = Schemas["CourseCreate"];
export type CourseUpdate = Schemas["CourseUpdate"];

// Budgets (the province's belanja daerah, the units' pagu and realisasi, the mandatory-spending check).
export type BudgetRead = Schemas["BudgetRead"];
export type BudgetBody = Schemas["BudgetBody"];
export type UnitBudgetRead = Schemas["UnitBudgetRead"];
export type UnitBudgetBody = Schemas["UnitBudgetBody"];
export type BudgetCompliance = Schemas["BudgetCompliance"];

// Talent records (an ASN's yearly SKP result, potential assessments, disciplinary sanctions).
export type PerformanceRead = Schemas["PerformanceRead"];
export type PerformanceBody = Schemas["PerformanceBody"];
export type Predikat = PerformanceRead["predikat"];
export type PotentialAssessmentRead = Schemas["PotentialAssessmentRead"];
export type DisciplinaryRecordRead = Schemas["DisciplinaryRecordRead"];
export type DisciplinaryRecordCreate = Schemas["DisciplinaryRecordCreate"];
export type SanctionLevel = DisciplinaryRecordRead["level"];

// The 9-box talent map (counts per box per unit, the people of a box, the year's box layout).
export type TalentMap = Schemas["TalentMap"];
export type UnitTalentMap = Schemas["UnitTalentMap"];
export type BoxCount = Schemas["BoxCount"];
export type BoxPerson = Schemas["BoxPerson"];
export type TalentBox = Schemas["TalentBox-Output"];
export type Kinerja = TalentBox["kinerja"];
export type Potensial = TalentBox["potensial"];

// Data completeness (the checklist per ASN, its shares per unit, the league of OPDs, the people missing items).
export type CompletenessReport = Schemas["CompletenessReport"];
export type UnitCompleteness = Schemas["UnitCompleteness"];
export type IndicatorFigure = Schemas["IndicatorFigure"];
export type QueueFigure = Schemas["QueueFigure"];
export type CompletenessLeague = Schemas["CompletenessLeague"];
export type LeagueRow = Schemas["LeagueRow"];
export type SparkPoint = Schemas["SparkPoint"];
export type CompletenessTrend = Schemas["CompletenessTrend"];
export type DataGap = Schemas["DataGap"];
export type GapAction = Schemas["GapAction"];
/** The eight checklist items (`indicators[].code`, the `indicator` filter of data gaps). */
export type IndicatorCode = DataGap["missing"][number];
/** What closes a gap (`actions[].code` of data gaps). */
export type GapActionCode = GapAction["code"];

// Notifications (the inbox, the preferences, the email delivery log).
export type NotificationRead = Schemas["NotificationRead"];
export type NotificationPage = Schemas["NotificationPage"];
export type NotificationPreferences = Schemas["PreferencesRead"];
export type NotificationPreferencesBody = Schemas["PreferencesBody"];
export type DeliveryRead = Schemas["DeliveryRead"];
export type DeliveryStatus = Schemas["DeliveryStatus"];

// Reminder campaigns and closing a year.
export type Campaign = Schemas["Campaign"];
export type CampaignAudience = Campaign["audience"];
export type CampaignChannel = Campaign["channels"][number];
export type ReminderRules = Schemas["ReminderRulesRead"];
export type ReminderRulesBody = Schemas["ReminderRulesBody"];
export type ReminderRun = Schemas["ReminderRun"];
export type CampaignRun = Schemas["CampaignRun"];
export type RunRecipient = Schemas["RunRecipient"];
export type YearClosing = Schemas["YearClosingRead"];
