import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { deliveries } from "../../api/queries/notifications";
import type { DeliveryRead, DeliveryStatus } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { CursorTable } from "../../shell/CursorTable";
import { Card, type Column, Select, useCursorPages } from "../../ui";
import { AUDIENCES } from "./campaigns";

export const DELIVERIES_PAGE_SIZE = 25;
const STATUSES: readonly DeliveryStatus[] = ["queued", "sending", "sent", "failed"];

function isStatus(value: string): value is DeliveryStatus {
  return (STATUSES as readonly string[]).includes(value);
}

/** The email delivery log, newest first: to whom, what, its state, attempts and the last error. */
export function DeliveriesCard() {
  const { t } = useTranslation();
  const f = useFormat();
  const pages = useCursorPages();
  const [status, setStatus] = useState<DeliveryStatus | undefined>(undefined);
  const [kind, setKind] = useState("");
  const log = useQuery({
    ...deliveries({ status, kind, cursor: pages.cursor, limit: DELIVERIES_PAGE_SIZE }),
    throwOnError: false,
  });
  const kindName = (code: string) =>
    (AUDIENCES as readonly string[]).includes(code)
      ? t(`reminders.audience.${code as (typeof AUDIENCES)[number]}`)
      : code;

  const columns: Column<DeliveryRead>[] = [
    {
      key: "created",
      header: t("reminders.log.created"),
      cell: (d) => <span className="nowrap">{f.dateTime(d.created_at)}</span>,
    },
    {
      key: "to",
      header: t("reminders.log.to"),
      cell: (d) => (
        <>
          <span className="cell-main">{d.username}</span>
          <span className="cell-sub">{d.address}</span>
        </>
      ),
    },
    { key: "kind", header: t("reminders.log.kind"), cell: (d) => kindName(d.kind) },
    {
      key: "status",
      header: t("reminders.log.status"),
      cell: (d) => <span className={`delivery delivery--${d.status}`}>{t(`reminders.status.${d.status}`)}</span>,
    },
    { key: "attempts", header: t("reminders.log.attempts"), align: "end", cell: (d) => f.number(d.attempts) },
    {
      key: "when",
      header: t("reminders.log.when"),
      cell: (d) =>
        d.sent_at
          ? t("reminders.log.sentAt", { at: f.dateTime(d.sent_at) })
          : d.status === "failed"
            ? "–"
            : t("reminders.log.nextAt", { at: f.dateTime(d.next_attempt_at) }),
    },
    {
      key: "error",
      header: t("reminders.log.error"),
      cell: (d) => (d.last_error ? <span className="delivery-error">{d.last_error}</span> : "–"),
    },
  ];

  return (
    <Card title={t("reminders.log.title")}>
      <p className="reminders-note">{t("reminders.log.intro")}</p>
      <div className="reminders-toolbar">
        <Select
          label={t("reminders.log.status")}
          value={status ?? ""}
          placeholder={t("reminders.log.anyStatus")}
          options={STATUSES.map((s) => ({ value: s, label: t(`reminders.status.${s}`) }))}
          onChange={(event) => {
            pages.reset();
            setStatus(isStatus(event.target.value) ? event.target.value : undefined);
          }}
        />
        <Select
          label={t("reminders.log.kind")}
          value={kind}
          placeholder={t("reminders.log.anyKind")}
          options={AUDIENCES.map((a) => ({ value: a, label: t(`reminders.audience.${a}`) }))}
          onChange={(event) => {
            pages.reset();
            setKind(event.target.value);
          }}
        />
      </div>
      <CursorTable
        testId="deliveries"
        caption={t("reminders.log.title")}
        columns={columns}
        rowKey={(d) => d.id}
        list={log}
        pages={pages}
        pageSize={DELIVERIES_PAGE_SIZE}
        empty={t("reminders.log.empty")}
      />
    </Card>
  );
}
