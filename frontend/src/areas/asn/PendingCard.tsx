import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Card } from "../../ui";
import { useLearningRecords } from "./hooks";
import { Skeleton } from "./Skeleton";
import { StatusChip } from "./StatusChip";

const SHOWN = 5;

/** This year's claims still awaiting verification. */
export function PendingCard({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const year = new Date().getFullYear();
  const pending = useLearningRecords(nip, { year, status: "pending", limit: SHOWN }, { localErrors: true });
  let body: ReactNode;
  if (pending.error && !pending.data)
    body = <ProblemAlert error={pending.error} onRetry={() => void pending.refetch()} />;
  else if (!pending.data) body = <Skeleton lines={3} label={t("asn.loadingPending")} />;
  else if (pending.data.items.length === 0) body = <p className="empty-note">{t("asn.pending.empty")}</p>;
  else {
    body = (
      <>
        <ul className="claim-list">
          {pending.data.items.map((record) => (
            <li key={record.id} className="claim-list__item">
              <div>
                <span className="cell-main">{record.title}</span>
                <span className="cell-sub">
                  {f.date(record.end_date)} · {t("asn.jpValue", { value: f.number(record.jp) })}
                </span>
              </div>
              <StatusChip status={record.status} />
            </li>
          ))}
        </ul>
        {pending.data.total > SHOWN && (
          <p className="cell-sub">{t("asn.pending.more", { count: pending.data.total - SHOWN })}</p>
        )}
      </>
    );
  }
  return (
    <Card
      title={t("asn.pending.title", { year })}
      actions={<Link to="/saya/riwayat">{t("asn.pending.all")}</Link>}
      className="pending-card"
    >
      {body}
    </Card>
  );
}
