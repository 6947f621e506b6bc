import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { reminderRules, useRunReminders } from "../../api/queries/reminders";
import type { Campaign, ReminderRules, ReminderRun } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Card, type Column, DataTable, Modal, Select, Spinner, useToast } from "../../ui";
import { CampaignDialog } from "./CampaignDialog";
import { monthName, thresholdKind } from "./campaigns";
import { DeliveriesCard } from "./DeliveriesCard";
import { RunResults } from "./RunResults";
import "./reminders.css";

/**
 * /bpsdm/pengingat: the year's reminder campaigns (each editable: audience settings, channels, season,
 * texts, interval), a dry run that lists who would get what, a real run after a confirmation, and the
 * email delivery log.
 */
export function CampaignsPage() {
  const { t } = useTranslation();
  usePageTitle(t("reminders.title"));
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const years = [thisYear + 1, thisYear, thisYear - 1];
  return (
    <div className="page page--wide stack reminders-page">
      <div>
        <h1>{t("reminders.title")}</h1>
        <p className="lead">{t("reminders.lead")}</p>
      </div>
      <div className="reminders-toolbar">
        <Select
          label={t("reminders.year")}
          value={String(year)}
          onChange={(event) => setYear(Number(event.target.value))}
          options={years.map((y) => ({ value: String(y), label: String(y) }))}
        />
      </div>
      <CampaignsOfYear key={year} year={year} />
      <DeliveriesCard />
    </div>
  );
}

function CampaignsOfYear({ year }: { year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const rules = useQuery({ ...reminderRules(year), throwOnError: false });
  const [editing, setEditing] = useState<Campaign | null>(null);
  if (rules.error && !rules.data) return <ProblemAlert error={rules.error} onRetry={() => void rules.refetch()} />;
  if (!rules.data) return <Spinner />;
  const { rules: set, etag } = rules.data;
  const own = set.source_year === set.year;
  const editable = can("reminder_rules_put");

  const columns: Column<Campaign>[] = [
    {
      key: "campaign",
      header: t("reminders.col.campaign"),
      cell: (c) => (
        <>
          <span className="cell-main">{t(`reminders.audience.${c.audience}`)}</span>
          <span className="cell-sub">{c.code}</span>
        </>
      ),
    },
    {
      key: "channels",
      header: t("reminders.col.channels"),
      cell: (c) => c.channels.map((ch) => t(`reminders.channel.${ch}`)).join(", "),
    },
    {
      key: "season",
      header: t("reminders.col.season"),
      cell: (c) =>
        c.audience === "year_closing"
          ? t("reminders.beforeClosing")
          : t("reminders.fromMonth", { month: monthName(c.from_month ?? 1, f.locale) }),
    },
    {
      key: "threshold",
      header: t("reminders.col.threshold"),
      cell: (c) => {
        const kind = thresholdKind(c.audience);
        if (kind === null || c.threshold === null || c.threshold === undefined) return "–";
        return kind === "score"
          ? t("reminders.thresholdScore", { score: f.number(c.threshold) })
          : t("reminders.thresholdDays", { count: c.threshold, days: f.number(c.threshold) });
      },
    },
    {
      key: "interval",
      header: t("reminders.col.interval"),
      align: "end",
      cell: (c) => t("reminders.days", { count: c.min_interval_days, days: f.number(c.min_interval_days) }),
    },
    {
      key: "active",
      header: t("reminders.col.active"),
      cell: (c) => (
        <span className={c.active === false ? "campaign-state campaign-state--off" : "campaign-state"}>
          {c.active === false ? t("reminders.inactive") : t("reminders.active")}
        </span>
      ),
    },
    ...(editable
      ? [
          {
            key: "edit",
            header: t("reminders.col.edit"),
            cell: (c: Campaign) => (
              <Button
                variant="secondary"
                onClick={() => setEditing(c)}
                aria-label={t("reminders.editCampaign", { name: t(`reminders.audience.${c.audience}`) })}
              >
                {t("reminders.edit")}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Card title={t("reminders.campaignsTitle", { year })}>
        <SourceNote rules={set} />
        <div data-testid="campaigns">
          <DataTable
            caption={t("reminders.campaignsTitle", { year })}
            columns={columns}
            rows={set.campaigns}
            rowKey={(c) => c.code}
            empty={t("reminders.noCampaigns")}
          />
        </div>
      </Card>
      {editing && (
        <CampaignDialog
          year={year}
          rules={set}
          etag={own ? etag : null}
          campaign={editing}
          onClose={() => setEditing(null)}
        />
      )}
      <RunCard year={year} />
    </>
  );
}

function SourceNote({ rules }: { rules: ReminderRules }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (rules.source_year === null)
    return <p className="reminders-note">{t("reminders.sourceDefaults", { year: rules.year })}</p>;
  if (rules.source_year !== rules.year) {
    return (
      <p className="reminders-note">
        {t("reminders.sourceInherited", { year: rules.year, source: rules.source_year })}
      </p>
    );
  }
  return (
    <p className="reminders-note">
      {rules.updated_at
        ? t("reminders.sourceOwnUpdated", { year: rules.year, at: f.dateTime(rules.updated_at) })
        : t("reminders.sourceOwn", { year: rules.year })}
    </p>
  );
}

/** "Pratinjau" (a dry run, nothing written) and "Kirim sekarang" (after a confirmation), with their results. */
function RunCard({ year }: { year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const toast = useToast();
  const can = useCan();
  const run = useRunReminders(year);
  const [result, setResult] = useState<ReminderRun | null>(null);
  const [confirming, setConfirming] = useState(false);

  function start(dryRun: boolean) {
    run.mutate(
      { dryRun },
      {
        onSuccess: (answer) => {
          setResult(answer);
          setConfirming(false);
          if (!answer.dry_run) {
            const queued = answer.results.reduce((sum, r) => sum + r.queued, 0);
            toast.show(t("reminders.queuedToast", { count: queued, queued: f.number(queued) }), { tone: "success" });
          }
        },
      },
    );
  }

  if (!can("reminder_rules_run")) return null;
  return (
    <Card title={t("reminders.runTitle")}>
      <p className="reminders-note">{t("reminders.runIntro")}</p>
      <div className="form-actions">
        <Button
          variant="secondary"
          onClick={() => start(true)}
          busy={run.isPending && run.variables?.dryRun === true}
          busyLabel={t("reminders.previewing")}
          disabled={run.isPending}
        >
          {t("reminders.preview")}
        </Button>
        <Button onClick={() => setConfirming(true)} disabled={run.isPending}>
          {t("reminders.sendNow")}
        </Button>
      </div>
      {run.error && !confirming && <ProblemAlert error={run.error} />}
      {result && <RunResults run={result} />}
      <Modal
        open={confirming}
        title={t("reminders.confirmTitle", { year })}
        onClose={() => {
          run.reset();
          setConfirming(false);
        }}
        footer={
          <>
            <Button
              variant="secondary"
              onClick={() => {
                run.reset();
                setConfirming(false);
              }}
            >
              {t("reminders.cancel")}
            </Button>
            <Button
              onClick={() => start(false)}
              busy={run.isPending && run.variables?.dryRun === false}
              busyLabel={t("reminders.sending")}
            >
              {t("reminders.confirmSend")}
            </Button>
          </>
        }
      >
        <div className="stack">
          <p>{t("reminders.confirmBody", { year })}</p>
          {run.error && <ProblemAlert error={run.error} />}
        </div>
      </Modal>
    </Card>
  );
}
