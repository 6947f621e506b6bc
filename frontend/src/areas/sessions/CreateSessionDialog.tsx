import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { courses } from "../../api/queries/courses";
import { idempotencyKey, type SessionRead, useCreateSession } from "../../api/queries/sessions";
import { allUnits } from "../../api/queries/units";
import type { CourseRead } from "../../api/types";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Button, DateField, Modal, Select, TextField, useDebouncedValue, useToast } from "../../ui";

interface UnitQuotaDraft {
  row: number;
  unitId: string;
  quota: string;
}

interface Draft {
  courseId: string;
  startsOn: string;
  endsOn: string;
  quota: string;
  place: string;
  onlineUrl: string;
  unitQuota: UnitQuotaDraft[];
}

type ErrorCode =
  | "course"
  | "date"
  | "endsBefore"
  | "quota"
  | "placeRequired"
  | "url"
  | "unitQuota"
  | "unitRepeated"
  | "unitSum";
type Errors = Partial<
  Record<"courseId" | "startsOn" | "endsOn" | "quota" | "place" | "onlineUrl" | "unitQuota", ErrorCode>
>;

const EMPTY: Draft = { courseId: "", startsOn: "", endsOn: "", quota: "", place: "", onlineUrl: "", unitQuota: [] };

/** A whole number in [min, max], else null. */
function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : null;
}

/** The form's own checks, mirroring the API's 422s so most mistakes never leave the browser. */
export function validate(draft: Draft): Errors {
  const errors: Errors = {};
  if (!draft.courseId) errors.courseId = "course";
  if (!draft.startsOn) errors.startsOn = "date";
  if (!draft.endsOn) errors.endsOn = "date";
  else if (draft.startsOn && draft.endsOn < draft.startsOn) errors.endsOn = "endsBefore";
  const quota = wholeNumber(draft.quota, 1, 10_000);
  if (quota === null) errors.quota = "quota";
  if (!draft.place.trim() && !draft.onlineUrl.trim()) errors.place = "placeRequired";
  if (draft.onlineUrl.trim() && !/^https:\/\/\S+$/.test(draft.onlineUrl.trim())) errors.onlineUrl = "url";
  if (draft.unitQuota.length > 0) {
    const units = draft.unitQuota.map((u) => u.unitId);
    const amounts = draft.unitQuota.map((u) => wholeNumber(u.quota, 1, 10_000));
    if (units.some((u) => !u) || amounts.some((a) => a === null)) errors.unitQuota = "unitQuota";
    else if (new Set(units).size !== units.length) errors.unitQuota = "unitRepeated";
    else if (quota !== null && amounts.reduce((s: number, a) => s + (a ?? 0), 0) > quota) errors.unitQuota = "unitSum";
  }
  return errors;
}

/** "Buat angkatan": a session of a catalogue course with its dates, seats, reserved seats and place or link. */
export function CreateSessionDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (session: SessionRead) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const create = useCreateSession();
  const [key] = useState(idempotencyKey);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search.trim(), 300);
  const nextRow = useRef(1);
  const found = useQuery({
    ...courses({ q, active: true, limit: 50 }),
    placeholderData: keepPreviousData,
    throwOnError: false,
  });
  const units = useQuery({ ...allUnits(), throwOnError: false });
  const opds = useMemo(
    () =>
      (units.data ?? [])
        .filter((u) => u.parent_id === null)
        .sort((a, b) => a.name.localeCompare(b.name, "id"))
        .map((u) => ({ value: String(u.id), label: u.name })),
    [units.data],
  );
  // The chosen course stays in the list when another search no longer finds it.
  const [chosen, setChosen] = useState<CourseRead | null>(null);
  const listed = found.data?.items ?? [];
  const shown = chosen && !listed.some((c) => c.id === chosen.id) ? [chosen, ...listed] : listed;
  const courseOptions = shown.map((c) => ({
    value: String(c.id),
    label:
      c.jp === null
        ? t("sessions.create.courseNoJp", { code: c.code, title: c.title })
        : t("sessions.create.courseOption", { code: c.code, title: c.title, jp: c.jp }),
    disabled: c.jp === null,
  }));

  const set =
    (field: Exclude<keyof Draft, "unitQuota">) =>
    (event: { target: { value: string } }): void =>
      setDraft((d) => ({ ...d, [field]: event.target.value }));
  const message = (field: keyof Errors) => {
    const code = errors[field];
    return code ? t(`sessions.create.errors.${code}`) : undefined;
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validate(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(
      {
        courseId: Number(draft.courseId),
        key,
        body: {
          starts_on: draft.startsOn,
          ends_on: draft.endsOn,
          quota: Number(draft.quota),
          unit_quota: draft.unitQuota.map((u) => ({ unit_id: Number(u.unitId), quota: Number(u.quota) })),
          place: draft.place.trim() || null,
          online_url: draft.onlineUrl.trim() || null,
        },
      },
      {
        onSuccess: (created) => {
          toast.show(t("sessions.create.done", { title: created.course_title, batch: created.batch }), {
            tone: "success",
          });
          onCreated(created);
        },
      },
    );
  }

  return (
    <Modal
      open
      size="wide"
      title={t("sessions.create.title")}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t("sessions.cancel")}
          </Button>
          <Button type="submit" form="session-form" busy={create.isPending} busyLabel={t("ui.saving")}>
            {t("sessions.create.submit")}
          </Button>
        </>
      }
    >
      <form id="session-form" className="stack" onSubmit={submit} noValidate>
        <TextField
          label={t("sessions.create.search")}
          type="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          hint={t("sessions.create.searchHint")}
        />
        <Select
          label={t("sessions.create.course")}
          required
          placeholder={t("sessions.create.coursePlaceholder")}
          options={courseOptions}
          value={draft.courseId}
          onChange={(event) => {
            const value = event.target.value;
            setChosen(shown.find((c) => String(c.id) === value) ?? null);
            setDraft((d) => ({ ...d, courseId: value }));
          }}
          error={message("courseId")}
        />
        <div className="sessions-form-grid">
          <DateField
            label={t("sessions.create.startsOn")}
            required
            value={draft.startsOn}
            onChange={set("startsOn")}
            error={message("startsOn")}
          />
          <DateField
            label={t("sessions.create.endsOn")}
            required
            value={draft.endsOn}
            min={draft.startsOn || undefined}
            onChange={set("endsOn")}
            error={message("endsOn")}
          />
          <TextField
            label={t("sessions.create.quota")}
            required
            inputMode="numeric"
            value={draft.quota}
            onChange={set("quota")}
            error={message("quota")}
          />
        </div>
        <div className="sessions-form-grid">
          <TextField
            label={t("sessions.create.place")}
            value={draft.place}
            maxLength={300}
            onChange={set("place")}
            hint={t("sessions.create.placeHint")}
            error={message("place")}
          />
          <TextField
            label={t("sessions.create.onlineUrl")}
            type="url"
            inputMode="url"
            placeholder="https://"
            value={draft.onlineUrl}
            maxLength={500}
            onChange={set("onlineUrl")}
            error={message("onlineUrl")}
          />
        </div>
        <fieldset className="sessions-fieldset">
          <legend>{t("sessions.create.unitQuota")}</legend>
          <p className="sessions-note">{t("sessions.create.unitQuotaHint")}</p>
          {draft.unitQuota.map((row, index) => (
            <div key={row.row} className="sessions-unit-row">
              <Select
                label={t("sessions.create.unit", { n: index + 1 })}
                placeholder={t("sessions.create.unitPlaceholder")}
                options={opds}
                value={row.unitId}
                onChange={(event) =>
                  setDraft((d) => ({
                    ...d,
                    unitQuota: d.unitQuota.map((u) => (u.row === row.row ? { ...u, unitId: event.target.value } : u)),
                  }))
                }
              />
              <TextField
                label={t("sessions.create.unitSeats", { n: index + 1 })}
                inputMode="numeric"
                value={row.quota}
                onChange={(event) =>
                  setDraft((d) => ({
                    ...d,
                    unitQuota: d.unitQuota.map((u) => (u.row === row.row ? { ...u, quota: event.target.value } : u)),
                  }))
                }
              />
              <Button
                variant="ghost"
                aria-label={t("sessions.create.removeUnit", { n: index + 1 })}
                onClick={() => setDraft((d) => ({ ...d, unitQuota: d.unitQuota.filter((u) => u.row !== row.row) }))}
              >
                ×
              </Button>
            </div>
          ))}
          {errors.unitQuota && <p className="field__error">{message("unitQuota")}</p>}
          <Button
            variant="secondary"
            onClick={() =>
              setDraft((d) => ({
                ...d,
                unitQuota: [...d.unitQuota, { row: nextRow.current++, unitId: "", quota: "" }],
              }))
            }
          >
            {t("sessions.create.addUnit")}
          </Button>
        </fieldset>
        {create.error && <ProblemAlert error={create.error} />}
      </form>
    </Modal>
  );
}
