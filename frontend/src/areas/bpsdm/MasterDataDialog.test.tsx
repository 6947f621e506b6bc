import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/problem";
import { ToastProvider } from "../../ui";
import { MasterDataDialog, MasterDataForm } from "./MasterDataDialog";
import { saveProblem } from "./masterDataForm";

const NO_PROBLEM = { fields: {}, conflict: false, other: null };

describe("the shared master-data dialog", () => {
  it("shows the load's problem with a retry instead of the form", async () => {
    const user = userEvent.setup();
    const refetch = vi.fn();
    const error = new ApiError(404, {
      code: "course_not_found",
      status: 404,
      title: "Not found",
      detail: "x",
    } as never);
    render(
      <ToastProvider>
        <MasterDataDialog title="Ubah diklat" onClose={() => undefined} load={{ data: undefined, error, refetch }}>
          {() => <p>formulir</p>}
        </MasterDataDialog>
      </ToastProvider>,
    );
    expect(screen.getByText("Diklat tidak ditemukan.")).toBeDefined();
    expect(screen.queryByText("formulir")).toBeNull();
    await user.click(screen.getByRole("button", { name: /Coba lagi/ }));
    expect(refetch).toHaveBeenCalled();
  });

  it("gives the form the loaded value and shows the conflict warning once the form reports one", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(
      <ToastProvider>
        <MasterDataDialog title="Ubah" onClose={() => undefined} load={{ data: "v1", error: null, refetch: () => 0 }}>
          {(loaded, onConflict) => (
            <MasterDataForm
              problem={NO_PROBLEM}
              busy={false}
              onSubmit={() => {
                onSubmit(loaded);
                onConflict();
              }}
              onCancel={() => undefined}
            >
              <span>isian</span>
            </MasterDataForm>
          )}
        </MasterDataDialog>
      </ToastProvider>,
    );
    await user.click(screen.getByRole("button", { name: "Simpan" }));
    expect(onSubmit).toHaveBeenCalledWith("v1");
    expect(screen.getByText("Data ini diubah orang lain sejak Anda membukanya")).toBeDefined();
  });
});

describe("saveProblem", () => {
  it("puts a mapped problem code on its field and a 412 as a conflict", () => {
    const t = ((key: string) => key) as never;
    const taken = new ApiError(409, { code: "course_code_exists", status: 409, title: "", detail: "" } as never);
    expect(saveProblem(t, taken, { course_code_exists: "code" }, ["code"]).fields.code).toBeDefined();
    const stale = new ApiError(412, { code: "precondition_failed", status: 412, title: "", detail: "" } as never);
    expect(saveProblem(t, stale, {}, []).conflict).toBe(true);
  });
});
