"""What reading an uploaded spreadsheet costs the import pipeline (issue 13), legit files and attacks.

Usage: .venv/bin/python bench/sheet_read.py [--rows 60000] [--attack-rows 20000] [--quick]

Every file is read once in a fresh interpreter (`python -c`, as the import tests measure it): the
child's CPU seconds (ru_utime + ru_stime from wait4) and wall seconds, whole (interpreter start and
imports included) and around the read alone (getrusage / perf_counter inside the child), and its
peak RSS (ru_maxrss) with the growth over a baseline child that only imports the same reader (median
of three). "app" is what the import runner calls, `reading.read(content, reading.sniff(content))`
(python-calamine after the sheet_scan pre-scan); "openpyxl" is what the code did before issue 13
(b2c5055): `load_workbook(read_only=True, data_only=True)`, every row of the first sheet through
`iter_rows(values_only=True)` as a list, the non-blank ones kept. Every child runs under RLIMIT_AS =
--limit-gb (4 GB) and is killed after --timeout (120 s); one that dies is reported killed/over limit.
--quick reads 15,000-row files and a 5,000-row declared-dimension attack.

 1. a legit --rows x 10 XLSX written by openpyxl write_only: app and openpyxl;
 2. the same rows as CSV; 3. as .xls (xlwt, at most 65,535 data rows) and as ODS: app;
 4. an XLSX declaring <dimension ref="A1:XFD{attack-rows + 1}"/> with one real cell per row: app and openpyxl;
 5. a header, row 2 and row 20,000 with A1:XFD20000 declared: app and openpyxl;
 6. one cell at A1 and one at XFD1048576: app only (python-calamine alone aborts the process).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from common import ROOT, save

HEADER = ["nip", "nama", "unit", "golongan", "jabatan", "email", "jp", "nilai", "mulai", "selesai"]
GRADES = ["II/a", "II/c", "III/a", "III/b", "III/d", "IV/a"]

# The child: argv is [kind, path]; it prints its outcome as JSON. "openpyxl" is the reader of b2c5055.
_CHILD = r"""
import io, json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
if kind.startswith("app"):
    from app.imports import reading
else:
    import warnings
    from openpyxl import load_workbook
before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
outcome = "(import only)"
if kind == "app":
    data = open(path, "rb").read()
    try:
        outcome = f"{len(reading.read(data, reading.sniff(data)).rows):,} rows"
    except Exception as exc:
        outcome = getattr(exc, "code", None) or type(exc).__name__
elif kind == "openpyxl":
    data = open(path, "rb").read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows, width = [], 0
            for values in book.worksheets[0].iter_rows(values_only=True):
                values = list(values)
                width = max(width, len(values))
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in values):
                    continue
                rows.append(values)
            book.close()
        outcome = f"{len(rows) - 1:,} rows x {width:,} cols"
    except MemoryError:
        outcome = "MemoryError (over the limit)"
after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
print(json.dumps({"outcome": outcome, "read_cpu_s": round(cpu, 3), "read_wall_s": round(wall, 3)}))
"""


def legit_rows(n: int) -> Iterator[list[Any]]:
    """Rows like a learning-record or ASN export: NIP, names, codes, numbers, dates as text."""
    for i in range(n):
        yield [
            str(198001012010011000 + i),
            f"Pegawai Nomor {i:06d}",
            f"UNIT-{i % 120:03d}",
            GRADES[i % len(GRADES)],
            "Analis Kebijakan Ahli Muda" if i % 3 else "Pranata Komputer Ahli Pertama",
            f"pegawai{i}@kaltimprov.go.id",
            i % 40,
            round((i % 1000) / 10, 1),
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            f"2025-{1 + i % 12:02d}-{1 + (i + 3) % 28:02d}",
        ]


def write_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(HEADER)
    for row in legit_rows(rows):
        sheet.append(row)
    book.save(path)


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(legit_rows(rows))


def write_xls(path: Path, rows: int) -> int:
    import xlwt  # type: ignore[import-untyped]

    rows = min(rows, 65_535)  # an Excel 97-2003 sheet has 65,536 rows, the header included
    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    for c, name in enumerate(HEADER):
        sheet.write(0, c, name)
    for r, row in enumerate(legit_rows(rows), start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return rows


# -- hand-built packages (as tests/imports/test_sheet_limits.py builds them) -----------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
Cells = Sequence[tuple[int, Any]]


def column_letters(number: int) -> str:
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def attack_xlsx(rows: Iterable[tuple[int, Cells]], *, dimension: str | None = None) -> bytes:
    """A workbook whose one sheet holds `rows` (row number, [(column number, value)]), inline strings."""
    xml = []
    for number, cells in rows:
        out = "".join(
            f'<c r="{column_letters(column)}{number}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
            for column, value in cells
        )
        xml.append(f'<row r="{number}">{out}</row>')
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{"".join(xml)}</sheetData></worksheet>',
        )
    return buffer.getvalue()


def _ods_row(values: Sequence[Any]) -> str:
    cells = []
    for value in values:
        if isinstance(value, int | float):
            cells.append(
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        else:
            cells.append(
                f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
                "</table:table-cell>"
            )
    return f"<table:table-row>{''.join(cells)}</table:table-row>"


def write_ods(path: Path, rows: int) -> None:
    """An OpenDocument spreadsheet as LibreOffice lays it out: `mimetype` first and stored."""
    body = _ods_row(HEADER) + "".join(_ods_row(row) for row in legit_rows(rows))
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content)


def header_cells() -> tuple[int, Cells]:
    return 1, [(i, name) for i, name in enumerate(HEADER[:6], start=1)]


# -- children ------------------------------------------------------------------------------------------


def run_child(kind: str, path: Path, *, timeout: float, limit_bytes: int) -> dict[str, Any]:
    """Read `path` with `kind` in a fresh interpreter; its rusage from wait4, killed after `timeout`."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    # A forked child starts with this process's anonymous pages counted in its ru_maxrss.
    own = Path("/proc/self/status").read_text()
    launcher_kb = int(own.split("RssAnon:", 1)[1].split()[0])
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, kind, str(path)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=cap,  # this process runs no threads
        )
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                proc.kill()  # not reaped yet: the pid is still this child's
                timed_out = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    inside: dict[str, Any] = {"read_cpu_s": None, "read_wall_s": None}
    if timed_out:
        inside["outcome"] = f"killed (over {timeout:.0f} s)"
    elif proc.returncode != 0 or not stdout.strip():
        last = stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        inside["outcome"] = f"killed/over limit ({proc.returncode}: {last[0][:60]})"
    else:
        inside = json.loads(stdout)
    return inside | {
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "wall_s": round(wall, 3),
        "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "launcher_anon_mb": round(launcher_kb / 1024, 1),
    }


FILES = (
    "legit.xlsx",
    "legit.csv",
    "legit.xls",
    "legit.ods",
    "declared.xlsx",
    "far_rows.xlsx",
    "corners.xlsx",
)


def write_files(work: Path, rows: int, attack_rows: int) -> int:
    """Every file of the run in `work`; the .xls rows written."""
    write_xlsx(work / "legit.xlsx", rows)
    write_csv(work / "legit.csv", rows)
    xls_rows = write_xls(work / "legit.xls", rows)
    write_ods(work / "legit.ods", rows)
    last = attack_rows + 1
    declared = [header_cells(), *((n, [(1, "x")]) for n in range(2, last + 1))]
    (work / "declared.xlsx").write_bytes(attack_xlsx(declared, dimension=f"A1:XFD{last}"))
    far = [header_cells(), (2, [(1, "a")]), (20_000, [(1, "b")])]
    (work / "far_rows.xlsx").write_bytes(attack_xlsx(far, dimension="A1:XFD20000"))
    corners = [(1, [(1, "nip")]), (1_048_576, [(16_384, "z")])]
    (work / "corners.xlsx").write_bytes(attack_xlsx(corners))
    return xls_rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=60_000, help="data rows of the legit files")
    ap.add_argument(
        "--attack-rows", type=int, default=20_000, help="real rows of the declared-dimension attack"
    )
    ap.add_argument("--quick", action="store_true", help="15,000 legit rows, 5,000 attack rows")
    ap.add_argument("--timeout", type=float, default=120, help="seconds before a child is killed")
    ap.add_argument("--limit-gb", type=float, default=4, help="RLIMIT_AS of every child")
    ap.add_argument("--write-to", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.quick:
        args.rows, args.attack_rows = min(args.rows, 15_000), min(args.attack_rows, 5_000)
    if args.write_to:
        print(write_files(args.write_to, args.rows, args.attack_rows))
        return
    limit = int(args.limit_gb * 1024**3)
    started = time.perf_counter()

    # The files are written by another process: a forked child's ru_maxrss starts at the RSS of the
    # process that forked it, so this one must stay small.
    work = Path(tempfile.mkdtemp(prefix="bangkom-bench-sheet-"))
    files = {name: work / name for name in FILES}
    writer = [sys.executable, __file__, "--write-to", str(work), "--rows", str(args.rows)]
    writer += ["--attack-rows", str(args.attack_rows)]
    xls_rows = int(subprocess.run(writer, check=True, capture_output=True, text=True).stdout)
    print(f"files written in {time.perf_counter() - started:.1f} s to {work}", flush=True)
    last = args.attack_rows + 1

    n, a = f"{args.rows:,}", f"{args.attack_rows:,}"
    cases = [
        ("baseline: import only", "app-base", "legit.csv"),
        ("baseline: import only", "openpyxl-base", "legit.csv"),
        (f"1. XLSX {n} x 10", "app", "legit.xlsx"),
        (f"1. XLSX {n} x 10", "openpyxl", "legit.xlsx"),
        (f"2. CSV {n} x 10", "app", "legit.csv"),
        (f"3. XLS {xls_rows:,} x 10", "app", "legit.xls"),
        (f"3. ODS {n} x 10", "app", "legit.ods"),
        (f"4. A1:XFD{last}, {a} rows", "app", "declared.xlsx"),
        (f"4. A1:XFD{last}, {a} rows", "openpyxl", "declared.xlsx"),
        ("5. rows 1, 2, 20000; A1:XFD20000", "app", "far_rows.xlsx"),
        ("5. rows 1, 2, 20000; A1:XFD20000", "openpyxl", "far_rows.xlsx"),
        ("6. A1 + XFD1048576", "app", "corners.xlsx"),
    ]
    baseline: dict[str, dict[str, Any]] = {}
    results = []
    columns = (
        f"{'case':<34} {'reader':<8} {'file KB':>7}  {'outcome':<30} {'cpu s':>6} {'wall s':>6} "
        f"{'read cpu':>8} {'read wall':>9} {'+RSS MB':>8} {'peak MB':>7}"
    )
    print(columns)
    print("-" * len(columns))
    for case, kind, name in cases:
        path = files[name]
        reader = kind.removesuffix("-base")
        if kind.endswith("-base"):
            runs = [run_child(kind, path, timeout=args.timeout, limit_bytes=limit) for _ in range(3)]
            figures = {
                key: statistics.median(run[key] for run in runs)
                for key in ("cpu_s", "wall_s", "read_cpu_s", "read_wall_s", "maxrss_mb")
            }
            figures |= {"outcome": f"(import only, median of {len(runs)})", "runs": runs}
            baseline[reader] = figures
        else:
            figures = run_child(kind, path, timeout=args.timeout, limit_bytes=limit)
        figures |= {
            "case": case,
            "reader": reader,
            "file": None if kind.endswith("-base") else name,
            "file_kb": None if kind.endswith("-base") else round(path.stat().st_size / 1024, 1),
            "rss_growth_mb": round(figures["maxrss_mb"] - baseline[reader]["maxrss_mb"], 1),
        }
        results.append(figures)
        size = "" if figures["file_kb"] is None else f"{figures['file_kb']:,.0f}"
        read_cpu = "" if figures["read_cpu_s"] is None else f"{figures['read_cpu_s']:.2f}"
        read_wall = "" if figures["read_wall_s"] is None else f"{figures['read_wall_s']:.2f}"
        print(
            f"{case:<34} {reader:<8} {size:>7}  {figures['outcome']!s:<30} {figures['cpu_s']:>6.2f} "
            f"{figures['wall_s']:>6.2f} {read_cpu:>8} {read_wall:>9} {figures['rss_growth_mb']:>8.1f} "
            f"{figures['maxrss_mb']:>7.1f}",
            flush=True,
        )
    for path in files.values():
        path.unlink()
    work.rmdir()
    print(
        "cpu s, wall s, peak MB: the whole child (interpreter, imports, read: wait4's rusage); read cpu, "
        "read wall: around the read inside the child; +RSS MB: peak over the baseline child of the same reader"
    )
    children = [run for r in results for run in r.get("runs", [r])]
    launcher_mb = max(run["launcher_anon_mb"] for run in children)
    print(
        f"launcher RssAnon at fork <= {launcher_mb:.1f} MB (counted in a forked child's ru_maxrss before exec)"
    )
    print(f"total {time.perf_counter() - started:.0f} s")
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "python_calamine": version("python-calamine"),
        "openpyxl": version("openpyxl"),
        "rows": args.rows,
        "attack_rows": args.attack_rows,
        "child_limit_gb": args.limit_gb,
        "child_timeout_s": args.timeout,
        "launcher_anon_mb": round(launcher_mb, 1),
        "results": results,
    }
    print(f"saved {save('sheet_read', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
