import { type ComponentType, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Alert, Button, Modal, Spinner, useToast } from "../../ui";
import { type SaveProblem, saveProblem } from "./masterDataForm";

/** What must be loaded before the form can show: the record and its ETag (a detail query), or a list. */
export interface DialogLoad<T> {
  data: T | undefined;
  error: unknown;
  refetch: () => unknown;
}

/**
 * The frame every master-data create/edit dialog shares: the modal, the "changed by someone else"
 * warning and, while `load` is pending or failed, a spinner or the problem. `children` gets the loaded
 * value (undefined without `load`) and `onConflict`, which a form calls when its save met a 412.
 * A form keyed by the record's ETag remounts with the fresh values once a 412 has reloaded it.
 */
export function MasterDataDialog<T>({
  title,
  onClose,
  load,
  children,
}: {
  title: ReactNode;
  onClose: () => void;
  load?: DialogLoad<T>;
  children: (loaded: T | undefined, onConflict: () => void) => ReactNode;
}) {
  const { t } = useTranslation();
  // Kept here, outside the form: the reload after a 412 remounts the form, not this warning.
  const [conflict, setConflict] = useState(false);
  let body: ReactNode;
  if (load?.error && load.data === undefined) {
    body = <ProblemAlert error={load.error} onRetry={() => void load.refetch()} />;
  } else if (load && load.data === undefined) {
    body = <Spinner />;
  } else {
    body = children(load?.data, () => setConflict(true));
  }
  return (
    <Modal open size="wide" title={title} onClose={onClose}>
      <div className="stack">
        {conflict && (
          <Alert tone="warning" title={t("bpsdm.masterData.conflictTitle")}>
            <p>{t("bpsdm.masterData.conflictBody")}</p>
          </Alert>
        )}
        {body}
      </div>
    </Modal>
  );
}

/** What a create-or-edit form gets: the stored record (null to create), its ETag, and the dialog's callbacks. */
export interface RecordFormProps<R> {
  stored: R | null;
  etag: string | null;
  onConflict: () => void;
  onDone: () => void;
}

/**
 * The dialog of a record that is either created (`detail` undefined) or edited from its detail query (the
 * record, which `record` picks out, and its ETag). The form is keyed by the ETag, as MasterDataDialog wants.
 */
export function RecordFormDialog<D extends { etag: string }, R>({
  title,
  onClose,
  detail,
  record,
  Form,
}: {
  title: ReactNode;
  onClose: () => void;
  detail: DialogLoad<D> | undefined;
  record: (loaded: D) => R;
  Form: ComponentType<RecordFormProps<R>>;
}) {
  return (
    <MasterDataDialog title={title} onClose={onClose} load={detail}>
      {(loaded, onConflict) =>
        loaded ? (
          <Form key={loaded.etag} stored={record(loaded)} etag={loaded.etag} onConflict={onConflict} onDone={onClose} />
        ) : (
          <Form stored={null} etag={null} onConflict={onConflict} onDone={onClose} />
        )
      }
    </MasterDataDialog>
  );
}

/**
 * The form inside: its fields in the two-column grid, `after` below them, the failure no field explains,
 * and Simpan / Batal.
 */
export function MasterDataForm({
  problem,
  busy,
  onSubmit,
  onCancel,
  after,
  children,
}: {
  problem: SaveProblem;
  busy: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  after?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <div className="bpsdm-form-grid">{children}</div>
      {after}
      {problem.other !== null && <ProblemAlert error={problem.other} />}
      <div className="form-actions">
        <Button type="submit" busy={busy} busyLabel={t("bpsdm.saving")}>
          {t("bpsdm.save")}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t("bpsdm.cancel")}
        </Button>
      </div>
    </form>
  );
}

/** The state of a save the form reads (a create or an update mutation, whichever the form uses). */
interface SaveState {
  error: Error | null;
  isPending: boolean;
}

/**
 * A save's problem split into field messages, and the callbacks to hand to `mutate`: a success toasts
 * and calls `onSaved`, a 412/428 calls `onConflict` (the dialog's warning; the reload shows theirs).
 */
export function useMasterDataSave<TData = unknown>(
  state: SaveState,
  {
    codes = {},
    fields,
    onConflict,
    onSaved,
  }: {
    /** Problem code → the field it is about, e.g. unit_code_exists → code. */
    codes?: Record<string, string>;
    fields: readonly string[];
    onConflict: () => void;
    onSaved: (data: TData) => void;
  },
) {
  const { t } = useTranslation();
  const toast = useToast();
  return {
    problem: saveProblem(t, state.error, codes, fields),
    busy: state.isPending,
    callbacks: {
      onSuccess: (data: TData) => {
        toast.show(t("bpsdm.masterData.saved"), { tone: "success" });
        onSaved(data);
      },
      onError: (error: Error) => {
        if (saveProblem(t, error, codes, fields).conflict) onConflict();
      },
    },
  };
}
