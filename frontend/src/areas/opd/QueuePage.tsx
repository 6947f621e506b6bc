import { useTranslation } from "react-i18next";
import { useVerificationQueue } from "../../api/hooks";
import type { QueueItem } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { usePageTitle } from "../../shell/usePageTitle";
import { DataTable, Spinner, useCursorPages, type Column } from "../../ui";

const PAGE_SIZE = 25;

/** /opd: the claims waiting for this admin's verification, a cursor page at a time. */
export function QueuePage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("opd.queueTitle"));
  const pages = useCursorPages();
  const queue = useVerificationQueue({ cursor: pages.cursor, limit: PAGE_SIZE });

  const columns: Column<QueueItem>[] = [
    {
      key: "asn",
      header: t("opd.colAsn"),
      cell: (item) => (
        <>
          <span className="cell-main">{item.asn_name}</span>
          <span className="cell-sub">{item.nip}</span>
        </>
      ),
    },
    {
      key: "title",
      header: t("opd.colTitle"),
      cell: (item) => (
        <>
          <span className="cell-main">{item.title}</span>
          {item.organizer && <span className="cell-sub">{item.organizer}</span>}
        </>
      ),
    },
    {
      key: "dates",
      header: t("opd.colDates"),
      cell: (item) =>
        item.start_date === item.end_date ? f.date(item.start_date) : `${f.date(item.start_date)} – ${f.date(item.end_date)}`,
    },
    { key: "jp", header: t("opd.colJp"), align: "end", cell: (item) => f.number(item.jp) },
    { key: "submitted", header: t("opd.colSubmitted"), cell: (item) => f.date(item.created_at) },
  ];

  return (
    <div className="page page--wide">
      <h1>{t("opd.queueTitle")}</h1>
      {!queue.data ? (
        <Spinner />
      ) : (
        <>
          <p className="lead" data-testid="queue-count">
            {t("opd.queueCount", { count: queue.data.total })}
          </p>
          <DataTable
            caption={t("opd.queueCaption")}
            columns={columns}
            rows={queue.data.items}
            rowKey={(item) => item.id}
            loading={queue.isFetching}
            empty={t("opd.empty")}
            pagination={{
              pageIndex: pages.pageIndex,
              pageSize: PAGE_SIZE,
              total: queue.data.total,
              hasPrevious: pages.hasPrevious,
              hasNext: Boolean(queue.data.next_cursor) && !queue.isPlaceholderData,
              onPrevious: pages.previous,
              onNext: () => pages.next(queue.data?.next_cursor),
            }}
          />
        </>
      )}
    </div>
  );
}
