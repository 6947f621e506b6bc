import type { TFunction } from "i18next";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button, type Column, Select } from "../../ui";

/** The status filter of a master-data list: everything, the active records, or the retired ones. */
export type StatusChoice = "all" | "active" | "inactive";

/** The list's `active` query parameter for a status choice (none for "all"). */
export const activeParam = (status: StatusChoice) => (status === "all" ? undefined : status === "active");

export function StatusFilter({
  value,
  onChange,
  activeLabel,
  inactiveLabel,
}: {
  value: StatusChoice;
  onChange: (status: StatusChoice) => void;
  activeLabel: string;
  inactiveLabel: string;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={t("bpsdm.reference.status")}
      value={value}
      options={[
        { value: "all", label: t("bpsdm.competencyPage.allStatuses") },
        { value: "active", label: activeLabel },
        { value: "inactive", label: inactiveLabel },
      ]}
      onChange={(event) => onChange(event.target.value as StatusChoice)}
    />
  );
}

/** The last column of a master-data table: an "Ubah" button per row, named after the row for screen readers. */
export function editColumn<T>(t: TFunction, label: (row: T) => string, onEdit: (row: T) => void): Column<T> {
  return {
    key: "edit",
    header: t("bpsdm.budgetPage.actions"),
    cell: (row) => (
      <Button variant="ghost" aria-label={label(row)} onClick={() => onEdit(row)}>
        {t("bpsdm.masterData.edit")}
      </Button>
    ),
  };
}

/** A card's action button (add, edit), shown only to a role that may use it. */
export function cardAction(allowed: boolean, label: string, onClick: () => void): ReactNode {
  return allowed ? (
    <Button variant="secondary" onClick={onClick}>
      {label}
    </Button>
  ) : undefined;
}
