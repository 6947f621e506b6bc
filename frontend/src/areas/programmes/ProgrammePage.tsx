import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError } from "../../api/problem";
import { useMe } from "../../api/queries/auth";
import {
  type ProgramLineRead,
  type ProgramProposal,
  type ProgramRead,
  programmeProposal,
  programmesExport,
  unitProgramme,
  useSaveProgramme,
} from "../../api/queries/programmes";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import {
  Alert,
  Button,
  Card,
  type Column,
  DataTable,
  Modal,
  ProgressBar,
  Spinner,
  Stat,
  TextArea,
  useToast,
} from "../../ui";
import {
  type DraftLine,
  draftOf,
  draftTotals,
  emptyLine,
  mergeProposal,
  savedTotals,
  serverLineErrors,
  type Totals,
  toBody,
  validateLine,
} from "./draft";
import { LinesEditor } from "./ProgrammeEditor";
import { PaguChip, SourceChip, useYearParam, YearSelect, yearQuery } from "./parts";
import "./programmes.css";

/** /opd/program: the OPD admin's own unit's programme. */
export function OpdProgrammePage() {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.data) return <Spinner />;
  if (me.data.unit_id == null)
    return (
      <div className="page">
        <Alert tone="info">{t("programmes.noUnit")}</Alert>
      </div>
    );
  return <ProgrammePage unitId={me.data.unit_id} />;
}

/** /bpsdm/program/:unitId: any unit's programme, opened from the province view. */
export function BpsdmUnitProgrammePage() {
  const { unitId } = useParams();
  return <ProgrammePage unitId={Number(unitId)} backTo="/bpsdm/program" />;
}

interface Editing {
  lines: DraftLine[];
  note: string;
  /** The ETag the edit started from (null: the unit had no programme). */
  etag: string | null;
}

function ProgrammePage({ unitId, backTo }: { unitId: number; backTo?: string }) {
  const { t } = useTranslation();
  usePageTitle(t("programmes.title"));
  const [year, setYear] = useYearParam();
  const [editing, setEditing] = useState<Editing | null>(null);
  const programme = useQuery({ ...unitProgramme(unitId, year), throwOnError: false });
  const name = programme.data?.programme.unit_name;
  return (
    <div className="page page--wide stack programmes-page">
      {backTo && (
        <p className="programmes-back">
          <Link to={`${backTo}${yearQuery(year)}`}>{t("programmes.backToProvince")}</Link>
        </p>
      )}
      <div className="programmes-heading">
        <div>
          <h1>{t("programmes.title")}</h1>
          {name && <p className="programmes-unit">{name}</p>}
        </div>
      </div>
      <div className="programmes-toolbar">
        <YearSelect year={year} onChange={setYear} disabled={editing !== null} />
        <DownloadButton
          request={() => programmesExport(year, unitId)}
          fallbackName={`program-pengembangan-${year}.xlsx`}
        >
          {t("programmes.download")}
        </DownloadButton>
      </div>
      {programme.error && !programme.data ? (
        <ProblemAlert error={programme.error} onRetry={() => void programme.refetch()} />
      ) : !programme.data ? (
        <Spinner />
      ) : (
        <ProgrammeBody
          key={`${unitId}-${year}`}
          unitId={unitId}
          year={year}
          programme={programme.data.programme}
          etag={programme.data.etag}
          editing={editing}
          setEditing={setEditing}
        />
      )}
    </div>
  );
}

function ProgrammeBody({
  unitId,
  year,
  programme,
  etag,
  editing,
  setEditing,
}: {
  unitId: number;
  year: number;
  programme: ProgramRead;
  etag: string | null;
  editing: Editing | null;
  setEditing: (editing: Editing | null) => void;
}) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const queryClient = useQueryClient();
  const save = useSaveProgramme(unitId, year);
  const [checked, setChecked] = useState(false);
  const [fetching, setFetching] = useState(false);
  const [proposalError, setProposalError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<ProgramProposal | null>(null);
  const [loaded, setLoaded] = useState<{ lines: number; missingJp: number } | null>(null);
  const [costPerJp, setCostPerJp] = useState<number | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const editable = can("development_programs_put");
  const f = useFormat();
  const whole = (value: number) => f.number(value, 0);

  const start = (): Editing =>
    editing ?? {
      lines: programme.lines.map((line) => draftOf(line, whole)),
      note: programme.note ?? "",
      etag: programme.version > 0 ? etag : null,
    };

  async function takeProposal() {
    setProposalError(null);
    setLoaded(null);
    setFetching(true);
    try {
      const proposal = await queryClient.fetchQuery(programmeProposal(unitId, year));
      setCostPerJp(proposal.cost_per_jp_idr);
      if (start().lines.length === 0) apply("replace", proposal);
      else setConfirm(proposal);
    } catch (error) {
      setProposalError(error);
    } finally {
      setFetching(false);
    }
  }

  function apply(mode: "replace" | "merge", proposal: ProgramProposal) {
    const base = start();
    const lines =
      mode === "replace"
        ? proposal.lines.map((line) => draftOf(line, whole))
        : mergeProposal(base.lines, proposal.lines, whole);
    setEditing({ ...base, lines });
    setConfirm(null);
    setChecked(false);
    save.reset();
    setLoaded({
      lines: mode === "replace" ? lines.length : lines.length - base.lines.length,
      missingJp: lines.filter((line) => line.jp.trim() === "").length,
    });
  }

  function update(changes: Partial<Editing>) {
    if (editing) setEditing({ ...editing, ...changes });
  }

  function updateLine(key: number, changes: Partial<DraftLine>) {
    if (editing) update({ lines: editing.lines.map((line) => (line.key === key ? { ...line, ...changes } : line)) });
  }

  function cancel() {
    setEditing(null);
    setChecked(false);
    setLoaded(null);
    save.reset();
  }

  const local = editing ? editing.lines.map((line) => validateLine(line, t)) : [];
  const invalid = local.some((errors) => Object.keys(errors).length > 0);
  const remote = serverLineErrors(save.error);
  const conflict = save.error instanceof ApiError && (save.error.status === 412 || save.error.status === 428);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!editing) return;
    setChecked(true);
    if (invalid) {
      requestAnimationFrame(() => form.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    save.mutate(
      { body: toBody(editing.lines, editing.note), etag: editing.etag },
      {
        onSuccess: () => {
          setEditing(null);
          setChecked(false);
          setLoaded(null);
          toast.show(t("programmes.saved", { unit: programme.unit_name, year }), { tone: "success" });
        },
      },
    );
  }

  const totals = editing ? draftTotals(editing.lines, programme) : savedTotals(programme);
  return (
    <>
      {editable && (
        <div className="programmes-actions">
          {!editing && (
            <Button variant="secondary" onClick={() => setEditing(start())}>
              {t(programme.lines.length > 0 ? "programmes.edit.open" : "programmes.edit.create")}
            </Button>
          )}
          <Button
            variant="secondary"
            busy={fetching}
            busyLabel={t("programmes.proposal.loading")}
            onClick={takeProposal}
          >
            {t("programmes.proposal.take")}
          </Button>
        </div>
      )}
      {proposalError !== null && <ProblemAlert error={proposalError} />}
      <SummaryCard programme={programme} totals={totals} draft={editing !== null} />
      {editing ? (
        <form ref={form} className="stack" onSubmit={submit} noValidate>
          <Card title={t("programmes.edit.title")}>
            {loaded && (
              <div data-testid="proposal-loaded">
                <Alert tone={loaded.missingJp > 0 ? "warning" : "info"}>
                  {t("programmes.proposal.loaded", { count: loaded.lines })}
                  {loaded.missingJp > 0 && ` ${t("programmes.proposal.missingJp", { count: loaded.missingJp })}`}
                </Alert>
              </div>
            )}
            <LinesEditor
              lines={editing.lines}
              errors={(index) => ({ ...(checked ? local[index] : {}), ...remote.get(index) })}
              costPerJp={costPerJp}
              onChange={updateLine}
              onRemove={(key) => update({ lines: editing.lines.filter((line) => line.key !== key) })}
              onAdd={() => update({ lines: [...editing.lines, emptyLine()] })}
            />
            <TextArea
              label={t("programmes.note")}
              value={editing.note}
              rows={2}
              maxLength={2000}
              onChange={(event) => update({ note: event.target.value })}
            />
          </Card>
          {checked && invalid && <Alert tone="error">{t("programmes.edit.fix")}</Alert>}
          {save.error && (
            <div className="stack">
              <ProblemAlert error={save.error} />
              {conflict && (
                <div>
                  <Button variant="secondary" onClick={cancel}>
                    {t("programmes.edit.reload")}
                  </Button>
                </div>
              )}
            </div>
          )}
          <div className="form-actions">
            <Button type="submit" busy={save.isPending} busyLabel={t("ui.saving")}>
              {t("programmes.edit.save")}
            </Button>
            <Button variant="secondary" onClick={cancel} disabled={save.isPending}>
              {t("programmes.edit.cancel")}
            </Button>
          </div>
        </form>
      ) : (
        <LinesCard programme={programme} />
      )}
      <Modal
        open={confirm !== null}
        title={t("programmes.proposal.confirmTitle")}
        onClose={() => setConfirm(null)}
        footer={
          confirm && (
            <>
              <Button onClick={() => apply("replace", confirm)}>{t("programmes.proposal.replace")}</Button>
              <Button variant="secondary" onClick={() => apply("merge", confirm)}>
                {t("programmes.proposal.merge")}
              </Button>
              <Button variant="ghost" onClick={() => setConfirm(null)}>
                {t("programmes.edit.cancel")}
              </Button>
            </>
          )
        }
      >
        {confirm && (
          <p>
            {t("programmes.proposal.confirmText", {
              current: start().lines.length,
              proposed: confirm.lines.length,
            })}
          </p>
        )}
      </Modal>
    </>
  );
}

/** The programme's cost against the unit's pagu and how much of the measured gap it closes. */
function SummaryCard({ programme, totals, draft }: { programme: ProgramRead; totals: Totals; draft: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const pagu = programme.pagu_idr;
  const remaining = pagu === null ? null : pagu - totals.cost;
  const within = remaining === null ? null : remaining >= 0;
  return (
    <Card title={t("programmes.summary.title", { year: programme.year })} actions={<PaguChip within={within} />}>
      {draft ? (
        <p className="programmes-hint">{t("programmes.summary.draft")}</p>
      ) : programme.updated_at ? (
        <p className="programmes-hint">{t("programmes.summary.updated", { at: f.dateTime(programme.updated_at) })}</p>
      ) : (
        <p className="programmes-hint">{t("programmes.summary.none", { year: programme.year })}</p>
      )}
      <dl className="stats programmes-stats" data-testid="programme-summary">
        <Stat
          label={t("programmes.summary.cost")}
          value={<span data-testid="programme-total">{f.rupiah(totals.cost)}</span>}
        />
        <Stat
          label={t("programmes.summary.pagu")}
          value={<span data-testid="programme-pagu">{pagu === null ? "–" : f.rupiah(pagu)}</span>}
          note={pagu === null ? t("programmes.summary.noPagu") : undefined}
        />
        <Stat
          label={t(remaining !== null && remaining < 0 ? "programmes.summary.over" : "programmes.summary.remaining")}
          value={
            <span data-testid="programme-remaining">{remaining === null ? "–" : f.rupiah(Math.abs(remaining))}</span>
          }
        />
        <Stat
          label={t("programmes.summary.participants")}
          value={f.number(totals.participants)}
          note={t("programmes.summary.jp", { jp: f.number(totals.jp) })}
        />
      </dl>
      {pagu !== null && pagu > 0 && (
        <div className="programmes-meter">
          <span>{t("programmes.summary.costOfPagu", { pct: f.percent((100 * totals.cost) / pagu) })}</span>
          {/* Spending more of the pagu is not "better": within is green, over is red, whatever the share. */}
          <div className="programmes-pagu-meter" aria-hidden="true">
            <div
              className={
                within ? "programmes-pagu-meter__fill" : "programmes-pagu-meter__fill programmes-pagu-meter__fill--over"
              }
              style={{ width: `${Math.min(100, (100 * totals.cost) / pagu)}%` }}
            />
          </div>
        </div>
      )}
      <div className="programmes-meter" data-testid="programme-gap">
        <span>
          {totals.pct === null
            ? t("programmes.summary.noGap")
            : t("programmes.summary.gap", {
                covered: f.number(totals.covered),
                below: f.number(totals.belowStandard),
                pct: f.percent(totals.pct, 2),
              })}
        </span>
        {totals.pct !== null && (
          <ProgressBar
            value={totals.covered}
            max={totals.belowStandard}
            label={t("programmes.summary.gapLabel")}
            valueText={t("programmes.summary.gap", {
              covered: f.number(totals.covered),
              below: f.number(totals.belowStandard),
              pct: f.percent(totals.pct, 2),
            })}
          />
        )}
      </div>
    </Card>
  );
}

function LinesCard({ programme }: { programme: ProgramRead }) {
  const { t } = useTranslation();
  const f = useFormat();
  const columns: Column<ProgramLineRead>[] = [
    {
      key: "title",
      header: t("programmes.col.course"),
      sortValue: (line) => line.title,
      cell: (line) => (
        <>
          {line.title}
          {line.note && <div className="cell-sub">{line.note}</div>}
        </>
      ),
    },
    { key: "source", header: t("programmes.col.source"), cell: (line) => <SourceChip source={line.source} /> },
    {
      key: "sessions",
      header: t("programmes.col.sessions"),
      align: "end",
      sortValue: (line) => line.sessions,
      cell: (line) => f.number(line.sessions),
    },
    {
      key: "participants",
      header: t("programmes.col.participants"),
      align: "end",
      sortValue: (line) => line.participants,
      cell: (line) => f.number(line.participants),
    },
    {
      key: "jp",
      header: t("programmes.col.jp"),
      align: "end",
      sortValue: (line) => line.jp,
      cell: (line) => f.number(line.jp),
    },
    {
      key: "cost",
      header: t("programmes.col.cost"),
      align: "end",
      sortValue: (line) => line.cost_idr,
      cell: (line) => f.rupiah(line.cost_idr),
    },
    {
      key: "competencies",
      header: t("programmes.col.competencies"),
      cell: (line) => line.competency_codes.join(", ") || "–",
    },
  ];
  return (
    <Card title={t("programmes.linesTitle", { count: programme.lines.length })}>
      {programme.note && <p className="programmes-note">{programme.note}</p>}
      <DataTable
        caption={t("programmes.linesCaption", { year: programme.year })}
        columns={columns}
        rows={programme.lines}
        rowKey={(line) => line.id}
        empty={t("programmes.noLines")}
      />
    </Card>
  );
}
