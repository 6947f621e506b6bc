import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import "../i18n";
import { type Column, type CursorPagination, DataTable } from "./DataTable";

interface Unit {
  id: number;
  name: string;
  pct: number;
}

const UNITS: Unit[] = [
  { id: 1, name: "Dinas Kesehatan", pct: 72.5 },
  { id: 2, name: "Badan Pendapatan Daerah", pct: 91 },
  { id: 3, name: "Dinas Pendidikan dan Kebudayaan", pct: 8 },
];

const COLUMNS: Column<Unit>[] = [
  { key: "name", header: "Perangkat daerah", cell: (u) => u.name, sortValue: (u) => u.name },
  { key: "pct", header: "Kepatuhan", cell: (u) => `${u.pct} %`, sortValue: (u) => u.pct, align: "end" },
  { key: "id", header: "ID", cell: (u) => u.id },
];

function firstColumn(): string[] {
  const rows = screen.getAllByRole("row").slice(1);
  return rows.map((row) => within(row).getAllByRole("cell")[0].textContent ?? "");
}

function Searchable() {
  const [query, setQuery] = useState("");
  const rows = UNITS.filter((u) => u.name.toLowerCase().includes(query.toLowerCase()));
  return (
    <DataTable
      caption="Kepatuhan"
      columns={COLUMNS}
      rows={rows}
      rowKey={(u) => u.id}
      search={{ value: query, onChange: setQuery, label: "Cari perangkat daerah" }}
    />
  );
}

describe("DataTable", () => {
  it("sorts by a column on header click, ascending then descending, announcing it with aria-sort", async () => {
    const user = userEvent.setup();
    render(<DataTable caption="Kepatuhan" columns={COLUMNS} rows={UNITS} rowKey={(u) => u.id} />);
    const pctHeader = screen.getByRole("columnheader", { name: /Kepatuhan/ });
    expect(pctHeader.getAttribute("aria-sort")).toBeNull();
    expect(firstColumn()).toEqual(["Dinas Kesehatan", "Badan Pendapatan Daerah", "Dinas Pendidikan dan Kebudayaan"]);

    await user.click(within(pctHeader).getByRole("button"));
    expect(pctHeader.getAttribute("aria-sort")).toBe("ascending");
    expect(firstColumn()).toEqual(["Dinas Pendidikan dan Kebudayaan", "Dinas Kesehatan", "Badan Pendapatan Daerah"]);

    await user.click(within(pctHeader).getByRole("button"));
    expect(pctHeader.getAttribute("aria-sort")).toBe("descending");
    expect(firstColumn()).toEqual(["Badan Pendapatan Daerah", "Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan"]);

    const nameHeader = screen.getByRole("columnheader", { name: /Perangkat daerah/ });
    await user.click(within(nameHeader).getByRole("button"));
    expect(nameHeader.getAttribute("aria-sort")).toBe("ascending");
    expect(pctHeader.getAttribute("aria-sort")).toBeNull();
    expect(firstColumn()[0]).toBe("Badan Pendapatan Daerah");
  });

  it("leaves columns without sortValue as plain headers", () => {
    render(<DataTable caption="Kepatuhan" columns={COLUMNS} rows={UNITS} rowKey={(u) => u.id} />);
    expect(within(screen.getByRole("columnheader", { name: "ID" })).queryByRole("button")).toBeNull();
  });

  it("hands the sort to the caller when controlled (the API sorts), keeping the rows as given", async () => {
    const user = userEvent.setup();
    const onSortChange = vi.fn();
    render(
      <DataTable
        caption="Kepatuhan"
        columns={COLUMNS}
        rows={UNITS}
        rowKey={(u) => u.id}
        sort={{ key: "pct", direction: "asc" }}
        onSortChange={onSortChange}
      />,
    );
    await user.click(within(screen.getByRole("columnheader", { name: /Kepatuhan/ })).getByRole("button"));
    expect(onSortChange).toHaveBeenCalledWith({ key: "pct", direction: "desc" });
    expect(firstColumn()[0]).toBe("Dinas Kesehatan");
  });

  it("filters through its labelled search box and says when nothing matches", async () => {
    const user = userEvent.setup();
    render(<Searchable />);
    const box = screen.getByRole("searchbox", { name: "Cari perangkat daerah" });

    await user.type(box, "dinas");
    expect(firstColumn()).toEqual(["Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan"]);

    await user.clear(box);
    await user.type(box, "kominfo");
    expect(screen.getByText("Tidak ada yang cocok dengan “kominfo”.")).toBeDefined();
  });

  it("drives cursor pagination: range, disabled ends, next and previous", async () => {
    const user = userEvent.setup();
    const pagination: CursorPagination = {
      pageIndex: 1,
      pageSize: 3,
      total: 7,
      hasPrevious: true,
      hasNext: false,
      onPrevious: vi.fn(),
      onNext: vi.fn(),
    };
    render(<DataTable caption="Antrean" columns={COLUMNS} rows={UNITS} rowKey={(u) => u.id} pagination={pagination} />);
    const pager = screen.getByRole("navigation", { name: "Navigasi halaman" });
    expect(within(pager).getByText("4–6 dari 7")).toBeDefined();
    const next = within(pager).getByRole("button", { name: "Berikutnya" }) as HTMLButtonElement;
    const previous = within(pager).getByRole("button", { name: "Sebelumnya" }) as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    expect(previous.disabled).toBe(false);

    await user.click(previous);
    await user.click(next);
    expect(pagination.onPrevious).toHaveBeenCalledTimes(1);
    expect(pagination.onNext).not.toHaveBeenCalled();
  });

  it("shows the given empty message when there are no rows", () => {
    render(
      <DataTable
        caption="Antrean"
        columns={COLUMNS}
        rows={[]}
        rowKey={(u) => u.id}
        empty="Semua sudah diverifikasi."
      />,
    );
    expect(screen.getByRole("cell", { name: "Semua sudah diverifikasi." })).toBeDefined();
  });
});
