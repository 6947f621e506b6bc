"""Spreadsheet export benchmark (issue 5), on PostgreSQL with 60,000 ASN and ~1,200,000 learning records.

Usage: .venv/bin/python bench/export_xlsx.py [--asn 60000] [--records-per-asn 20] [--reuse]

GET /api/v1/exports/jp-compliance for the whole province as BPSDM (one row per active ASN), as XLSX
and as CSV, each against a fresh `bangkom serve` (one worker): wall time of the download, rows,
file size and the server's resident memory (VmHWM, the peak, before and after; target: the
60,000-row XLSX in <= 10 s with the server's peak <= 300 MB). Meanwhile /healthz is polled to
show the event loop stays responsive while the workbook is written.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import statistics
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from common import BIN, ROOT, fetch_values, password_token, prepare_database, save, server

PORT = 8313


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


class RssSampler(threading.Thread):
    """Samples the server's VmRSS every 20 ms: the export's own peak, whatever the login's argon2 left in VmHWM."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.max_kb, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.max_kb = max(self.max_kb, _status_kb(self.pid, "VmRSS"))
            self.stop.wait(0.02)


class HealthProbe(threading.Thread):
    """Polls /healthz every 50 ms and keeps the slowest answer."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.slowest_ms, self.stop = url, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            with urllib.request.urlopen(self.url, timeout=30) as r:
                r.read()
            self.slowest_ms = max(self.slowest_ms, (time.perf_counter() - started) * 1000)
            self.stop.wait(0.05)


def _download(url: str, token: str, dest: Path, base: str, pid: int) -> tuple[float, float, str, int]:
    probe, sampler = HealthProbe(f"{base}/healthz"), RssSampler(pid)
    probe.start()
    sampler.start()
    started = time.perf_counter()
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=300) as r, dest.open("wb") as out:
        first_byte = time.perf_counter() - started
        disposition = r.headers["Content-Disposition"]
        while chunk := r.read(1024 * 1024):
            out.write(chunk)
    elapsed = time.perf_counter() - started
    probe.stop.set()
    sampler.stop.set()
    probe.join()
    sampler.join()
    return elapsed, first_byte, f"{disposition} (healthz max {probe.slowest_ms:.0f} ms)", sampler.max_kb


def _rows_xlsx(path: Path) -> tuple[int, str]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    ws = wb["Kepatuhan JP"]
    rows = 0
    first = ""
    for row in ws.iter_rows(min_row=2, values_only=True):
        if rows == 0:
            first = str(row[0])
        rows += 1
    wb.close()
    return rows, first


def _rows_csv(path: Path) -> tuple[int, str]:
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return len(rows) - 1, rows[1][0] if len(rows) > 1 else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--records-per-asn", type=int, default=20)
    ap.add_argument("--database", default="bangkom_bench_ledger")
    ap.add_argument("--repeat", type=int, default=3, help="downloads per format (same server)")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    dsn = prepare_database(
        args.database, args.asn, args.reuse, ["--records-per-asn", str(args.records_per_asn)]
    )
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
    }
    # A reused database may predate later migrations.
    subprocess.run([BIN / "bangkom", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    year = int(
        fetch_values(dsn, "SELECT year FROM jp_year_totals GROUP BY year ORDER BY sum(jp) DESC LIMIT 1")[0]
    )
    active = int(fetch_values(dsn, "SELECT count(*) FROM asn WHERE active")[0])
    records = int(fetch_values(dsn, "SELECT count(*) FROM learning_records")[0])
    small_unit = fetch_values(dsn, "SELECT unit_id FROM asn GROUP BY unit_id ORDER BY count(*) LIMIT 1")[0]
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "asn": args.asn,
        "active_asn": active,
        "learning_records": records,
        "year": year,
    }
    print(f"{active} active ASN, {records} learning records; exporting {year}")

    work = Path(os.environ.get("TMPDIR", "/tmp")) / "bangkom-bench-export"
    work.mkdir(exist_ok=True)
    cmd = [str(BIN / "bangkom"), "serve", "--port", str(PORT), "--workers", "1"]
    for fmt in ("xlsx", "csv"):
        with server(cmd, env, f"http://127.0.0.1:{PORT}/healthz") as proc:
            base = f"http://127.0.0.1:{PORT}"
            token = password_token(base, "bpsdm")
            # Warm the process (imports, first query plans) on a small export, then take the baseline.
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{base}/api/v1/exports/jp-compliance?year={year}&format={fmt}&unit_id={small_unit}",
                    headers={"Authorization": f"Bearer {token}"},
                ),
                timeout=60,
            ).read()
            baseline_hwm = _status_kb(proc.pid, "VmHWM")
            baseline_rss = _status_kb(proc.pid, "VmRSS")
            url = f"{base}/api/v1/exports/jp-compliance?year={year}&format={fmt}"
            dest = work / f"kepatuhan-jp-{year}.{fmt}"
            runs = []
            for _ in range(args.repeat):
                runs.append(_download(url, token, dest, base, proc.pid))
            peak = _status_kb(proc.pid, "VmHWM")
            rss_after = _status_kb(proc.pid, "VmRSS")
        rows, first_nip = _rows_xlsx(dest) if fmt == "xlsx" else _rows_csv(dest)
        times = [r[0] for r in runs]
        size = dest.stat().st_size
        figures = {
            "seconds": [round(t, 2) for t in times],
            "median_s": round(statistics.median(times), 2),
            "first_byte_s": [round(r[1], 2) for r in runs],
            "rows": rows,
            "bytes": size,
            "server_vmhwm_baseline_mb": _mb(baseline_hwm),
            "server_rss_baseline_mb": _mb(baseline_rss),
            "server_vmhwm_peak_mb": _mb(peak),
            "server_rss_after_mb": _mb(rss_after),
            "server_rss_max_during_mb": _mb(max(r[3] for r in runs)),
            "notes": [r[2] for r in runs],
        }
        result[fmt] = figures
        assert rows == active, f"{fmt}: {rows} rows for {active} active ASN"
        assert len(first_nip) == 18, first_nip
        print(
            f"{fmt}: {rows} rows, {size / 1e6:.1f} MB, {' / '.join(f'{t:.2f}' for t in times)} s "
            f"(median {figures['median_s']} s, target <= 10 s for xlsx); server VmHWM "
            f"{figures['server_vmhwm_baseline_mb']} MB before → {figures['server_vmhwm_peak_mb']} MB peak "
            f"(target <= 300 MB), RSS {figures['server_rss_baseline_mb']} MB before, at most "
            f"{figures['server_rss_max_during_mb']} MB during the downloads; {runs[0][2]}"
        )
        dest.unlink()
    print(f"saved {save('export_xlsx', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
