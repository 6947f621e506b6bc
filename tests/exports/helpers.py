"""Downloading exports and reading them back: XLSX with openpyxl, CSV with the csv module."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
BOM = b"\xef\xbb\xbf"


async def download(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> httpx.Response:
    r = await client.get(f"/api/v1/exports/{path}", params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    return r


async def xlsx(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Workbook:
    r = await download(client, path, headers, **params)
    assert r.headers["content-type"] == XLSX
    assert r.headers["content-length"] == str(len(r.content))
    return load_workbook(io.BytesIO(r.content))


async def csv_rows(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> list[list[str]]:
    r = await download(client, path, headers, format="csv", **params)
    assert r.headers["content-type"] == CSV
    assert r.content.startswith(BOM)
    text = r.content[len(BOM) :].decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def values(ws: Worksheet) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def header(ws: Worksheet) -> list[Any]:
    return [c.value for c in ws[1]]


def filename(r: httpx.Response) -> str:
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split("filename=", 1)[1].strip('"')
