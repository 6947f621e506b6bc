import { useTranslation } from "react-i18next";
import type { RecordStatus } from "../../api/types";

/** A record's status as a coloured chip with a word (never colour alone). */
export function StatusChip({ status }: { status: RecordStatus }) {
  const { t } = useTranslation();
  return <span className={`chip chip--${status}`}>{t(`asn.status.${status}`)}</span>;
}
