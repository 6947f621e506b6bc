import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { referenceList } from "../../api/queries/reference";
import type { CodeItem, ReferenceKind } from "../../api/types";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Card, type Column, DataTable, Select } from "../../ui";

/** Every kind the API serves, in the order of the selector; the check below fails if the API adds one. */
export const REFERENCE_KINDS = [
  "learning_forms",
  "golongan",
  "jenis_jabatan",
  "jenjang",
  "eselon",
  "employment_types",
  "education_levels",
  "unit_kinds",
] as const satisfies readonly ReferenceKind[];
type Unlisted = Exclude<ReferenceKind, (typeof REFERENCE_KINDS)[number]>;
const allKindsListed: [Unlisted] extends [never] ? true : Unlisted = true;
void allKindsListed;

/** Extra fields the code lists carry today; any other field shows under its own name. */
const KNOWN_FIELDS = ["employment", "siasn_id", "siasn_jenis_jabatan", "category", "jenis_jabatan", "path"] as const;
type KnownField = (typeof KNOWN_FIELDS)[number];
const isKnownField = (key: string): key is KnownField => (KNOWN_FIELDS as readonly string[]).includes(key);

function isKind(value: string | null): value is ReferenceKind {
  return value !== null && (REFERENCE_KINDS as readonly string[]).includes(value);
}

/** A field value of a code item as text: lists joined, blanks as a dash. */
function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (Array.isArray(value)) return value.map(show).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** /bpsdm/referensi: the API's code lists, read-only, and the way to the competency dictionary. */
export function ReferencePage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.reference.title"));
  const [params, setParams] = useSearchParams();
  const requested = params.get("jenis");
  const kind: ReferenceKind = isKind(requested) ? requested : REFERENCE_KINDS[0];
  return (
    <div className="page page--wide stack">
      <h1>{t("bpsdm.reference.title")}</h1>
      <p>{t("bpsdm.reference.intro")}</p>
      <Card title={t("bpsdm.reference.codeLists")}>
        <div className="stack">
          <div className="bpsdm-toolbar">
            <Select
              label={t("bpsdm.reference.kind")}
              value={kind}
              onChange={(event) =>
                setParams(
                  (p) => {
                    p.set("jenis", event.target.value);
                    return p;
                  },
                  { replace: true },
                )
              }
              options={REFERENCE_KINDS.map((k) => ({ value: k, label: t(`bpsdm.reference.kinds.${k}`) }))}
            />
          </div>
          <CodeListTable kind={kind} />
        </div>
      </Card>
      <CompetencyPointer />
    </div>
  );
}

function CodeListTable({ kind }: { kind: ReferenceKind }) {
  const { t } = useTranslation();
  // This page shows the lists as served: re-read hourly rather than kept for the session.
  const list = useQuery({ ...referenceList(kind), staleTime: 60 * 60 * 1000 });
  if (list.error && !list.data) return <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data?.items ?? [];
  // Columns follow the items: code and name first, then every other field any item carries.
  const extra: string[] = [];
  for (const item of items)
    for (const key of Object.keys(item)) if (key !== "code" && key !== "name" && !extra.includes(key)) extra.push(key);
  const columns: Column<CodeItem>[] = [
    { key: "code", header: t("bpsdm.reference.code"), cell: (i) => i.code, sortValue: (i) => i.code },
    { key: "name", header: t("bpsdm.reference.name"), cell: (i) => i.name, sortValue: (i) => i.name },
    ...extra.map((key) => ({
      key,
      header: isKnownField(key) ? t(`bpsdm.reference.fields.${key}`) : key,
      cell: (i: CodeItem) => show(i[key]),
    })),
  ];
  return (
    <div data-testid="code-list" data-kind={kind}>
      <DataTable
        caption={t(`bpsdm.reference.kinds.${kind}`)}
        columns={columns}
        rows={items}
        rowKey={(i) => i.code}
        loading={list.isFetching}
        empty={list.isPending ? undefined : t("bpsdm.reference.empty")}
        phoneLayout="scroll"
      />
    </div>
  );
}

/** The competency dictionary has its own page (/bpsdm/kompetensi); this card points there. */
function CompetencyPointer() {
  const { t } = useTranslation();
  return (
    <Card title={t("bpsdm.reference.competencies")}>
      <div className="stack" data-testid="competency-pointer">
        <p className="cell-sub">{t("bpsdm.competencyPage.lead")}</p>
        <p>
          <Link to="/bpsdm/kompetensi">{t("bpsdm.competencyPage.title")}</Link>
        </p>
      </div>
    </Card>
  );
}
