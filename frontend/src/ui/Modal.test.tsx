import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import "../i18n";
import { Modal } from "./Modal";

function Harness({ onClose }: { onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Buka
      </button>
      <Modal
        open={open}
        title="Sesi berakhir"
        onClose={
          onClose &&
          (() => {
            onClose();
            setOpen(false);
          })
        }
      >
        <input aria-label="Kata sandi" />
        <button type="button">Masuk</button>
      </Modal>
    </>
  );
}

describe("Modal", () => {
  it("is wide for a form of two columns, narrow otherwise", () => {
    const { rerender } = render(
      <Modal open size="wide" title="Ubah kegiatan">
        <p>isi</p>
      </Modal>,
    );
    expect(screen.getByRole("dialog").className).toContain("modal--wide");
    rerender(
      <Modal open title="Konfirmasi">
        <p>isi</p>
      </Modal>,
    );
    expect(screen.getByRole("dialog").className).not.toContain("modal--wide");
  });

  it("moves focus in, traps Tab inside, closes on Esc and gives focus back", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<Harness onClose={onClose} />);
    await user.click(screen.getByRole("button", { name: "Buka" }));

    const dialog = screen.getByRole("dialog", { name: "Sesi berakhir" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Tutup" }));

    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText("Kata sandi"));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Masuk" }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Tutup" }));
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Masuk" }));

    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Buka" }));
  });

  it("can't be dismissed without onClose (the re-login dialog)", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole("button", { name: "Buka" }));
    await user.keyboard("{Escape}");
    expect(screen.getByRole("dialog")).toBeDefined();
    expect(screen.queryByRole("button", { name: "Tutup" })).toBeNull();
  });
});
