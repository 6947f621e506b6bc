import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { inbox, unreadCount, useMarkAllRead, useMarkRead } from "../../api/queries/notifications";
import type { NotificationRead } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Spinner, useCursorPages, useToast } from "../../ui";
import { PreferencesCard } from "./PreferencesCard";
import "./inbox.css";

export const INBOX_PAGE_SIZE = 20;

/** A notification's `link` when it is a path of this app ("/saya"), never another site. */
export function internalLink(link: string | null): string | null {
  return link?.startsWith("/") && !link.startsWith("//") && !link.includes("\\") ? link : null;
}

/**
 * /kotak-masuk, for every role: the notifications newest first (all, or only the unread), each opened
 * in place, which marks it read, with the page it is about; "Tandai semua dibaca"; and the user's
 * notification preferences (inbox, email, address, language of emails).
 */
export function InboxPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const toast = useToast();
  usePageTitle(t("inbox.title"));
  const [unreadOnly, setUnreadOnly] = useState(false);
  const pages = useCursorPages();
  const list = useQuery({
    ...inbox({ unread: unreadOnly, cursor: pages.cursor, limit: INBOX_PAGE_SIZE }),
    throwOnError: false,
  });
  const unread = useQuery({ ...unreadCount(), throwOnError: false });
  const unreadTotal = unread.data ?? list.data?.unread_count ?? 0;
  const markAll = useMarkAllRead();

  function show(onlyUnread: boolean) {
    setUnreadOnly(onlyUnread);
    pages.reset();
  }

  return (
    <div className="page stack inbox-page">
      <h1>{t("inbox.title")}</h1>
      <div className="inbox-toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">{t("inbox.filter")}</legend>
          <button type="button" aria-pressed={!unreadOnly} onClick={() => show(false)}>
            {t("inbox.all")}
          </button>
          <button type="button" aria-pressed={unreadOnly} onClick={() => show(true)}>
            {t("inbox.unreadOnly")}
          </button>
        </fieldset>
        <Button
          variant="secondary"
          disabled={unreadTotal === 0}
          busy={markAll.isPending}
          busyLabel={t("inbox.marking")}
          onClick={() =>
            markAll.mutate(undefined, {
              onSuccess: (result) =>
                toast.show(t("inbox.markedAll", { count: result.marked, marked: f.number(result.marked) }), {
                  tone: "success",
                }),
            })
          }
        >
          {t("inbox.markAll")}
        </Button>
      </div>
      <p className="inbox-count" data-testid="inbox-unread" aria-live="polite">
        {unreadTotal === 0
          ? t("inbox.noneUnread")
          : t("inbox.unreadCount", { count: unreadTotal, unread: f.number(unreadTotal) })}
      </p>
      {markAll.error && <ProblemAlert error={markAll.error} />}
      {list.error && !list.data ? (
        <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data ? (
        <Spinner />
      ) : list.data.items.length === 0 ? (
        <p className="inbox-empty">{unreadOnly ? t("inbox.emptyUnread") : t("inbox.empty")}</p>
      ) : (
        <>
          <ul className="inbox" aria-label={t("inbox.listLabel")} aria-busy={list.isFetching || undefined}>
            {list.data.items.map((item) => (
              <NotificationItem key={item.id} item={item} />
            ))}
          </ul>
          {(pages.hasPrevious || list.data.next_cursor) && (
            <nav className="inbox-pager" aria-label={t("inbox.pages")}>
              <Button variant="secondary" disabled={!pages.hasPrevious} onClick={pages.previous}>
                {t("ui.previous")}
              </Button>
              <span>{t("inbox.pageOf", { page: pages.pageIndex + 1 })}</span>
              <Button
                variant="secondary"
                disabled={!list.data.next_cursor}
                onClick={() => pages.next(list.data?.next_cursor)}
              >
                {t("ui.next")}
              </Button>
            </nav>
          )}
        </>
      )}
      <PreferencesCard />
    </div>
  );
}

/** One notification: its title and time; opened, its message and the page it is about. */
function NotificationItem({ item }: { item: NotificationRead }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bodyId = useId();
  const [open, setOpen] = useState(false);
  const markRead = useMarkRead();
  const read = item.read_at !== null;
  const link = internalLink(item.link);

  function toggle() {
    const opening = !open;
    setOpen(opening);
    if (opening && !read && !markRead.isPending) markRead.mutate(item.id);
  }

  return (
    <li className={read ? "notice" : "notice notice--unread"} data-testid="notification">
      <button type="button" className="notice__toggle" aria-expanded={open} aria-controls={bodyId} onClick={toggle}>
        <span className="notice__dot" aria-hidden="true" />
        {/* The spaces between the parts are for the button's spoken name; the flex column drops them. */}
        <span className="notice__text">
          {!read && <span className="visually-hidden">{t("inbox.unreadMark")}</span>}{" "}
          <span className="notice__title">{item.title}</span>{" "}
          <time className="notice__time" dateTime={item.created_at}>
            {f.dateTime(item.created_at)}
          </time>
        </span>
      </button>
      <div id={bodyId} className="notice__body" hidden={!open}>
        <p>{item.body}</p>
        {link && (
          <p>
            <Link to={link}>{t("inbox.openLink")}</Link>
          </p>
        )}
        {markRead.error && <ProblemAlert error={markRead.error} />}
      </div>
    </li>
  );
}
