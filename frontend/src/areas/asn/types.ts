// Schema names the ASN pages use (kept here rather than in src/api/types.ts, which the area does not own).
import type { components } from "../../api/schema";

type Schemas = components["schemas"];

export type RecordRead = Schemas["RecordRead"];
export type RecordCreate = Schemas["RecordCreate"];
export type RecordDetail = Schemas["RecordDetail"];
export type RecordStatus = RecordRead["status"];
export type CompetencyGaps = Schemas["CompetencyGaps"];
export type GapItem = Schemas["GapItem"];
export type DevelopmentPlan = Schemas["DevelopmentPlan"];
export type PlanItem = Schemas["PlanItem"];
export type CourseRead = Schemas["CourseRead"];
export type CompetencyRead = Schemas["CompetencyRead"];
export type CodeItem = Schemas["CodeItem"];
