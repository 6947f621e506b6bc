import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import { unreadCount } from "../api/queries/notifications";

/** Above this the badge says "99+": the inbox itself has the exact count. */
const MAX_SHOWN = 99;

/**
 * The header's link to the inbox, with the number of unread notifications. The count is asked for
 * once a minute while the tab is open and again when the window regains focus (TanStack Query's
 * polling); a failure leaves the bell without a number rather than breaking the header.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const count = useQuery({ ...unreadCount(), throwOnError: false });
  const unread = count.data ?? 0;
  return (
    <NavLink
      to="/kotak-masuk"
      className="bell"
      aria-label={unread > 0 ? t("inbox.bellUnread", { count: unread }) : t("inbox.bell")}
      title={unread > 0 ? t("inbox.bellUnread", { count: unread }) : t("inbox.bell")}
    >
      <svg className="bell__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path
          d="M12 2.5a6 6 0 0 0-6 6v3.6L4.3 15.6a1 1 0 0 0 .9 1.4h13.6a1 1 0 0 0 .9-1.4L18 12.1V8.5a6 6 0 0 0-6-6Zm-2.6 16a2.7 2.7 0 0 0 5.2 0Z"
          fill="currentColor"
        />
      </svg>
      {unread > 0 && (
        <span className="bell__badge" aria-hidden="true" data-testid="unread-count">
          {unread > MAX_SHOWN ? `${MAX_SHOWN}+` : unread}
        </span>
      )}
    </NavLink>
  );
}
