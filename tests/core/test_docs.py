"""The documentation stays true: links resolve, the API reference lists every operation, the source
paths it names exist, and nothing in the repository points at files a checkout does not have.

Needs no database: it reads the checkout.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")
LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # https:, mailto:, …

# The sibling folder the project's first drafts lived in, and the names of the files in it. Written
# as patterns so that this file does not match itself.
OUTSIDE = re.compile(r"\.\./shared\b|\bshared/(?:docs|data)\b|\b(?:API|DOMAIN|STYLE)\.md\b")
# Directories that are never part of the checkout (dependencies, build output, caches, data).
NOT_SOURCE = frozenset(
    {".git", ".venv", "node_modules", "dist", "var", "__pycache__", ".mypy_cache", ".ruff_cache"}
    | {".pytest_cache", "bangkom.egg-info", "artifacts", "screenshots"}
)

# A path in backticks that names something in the repository, e.g. `app/core/logs.py`.
REPO_PATH = re.compile(r"`(?P<path>(?:app|tests|bench|frontend|migrations|docs)/[\w./*-]*)`")
# Build output the documents name, absent from a fresh checkout.
BUILT = frozenset({"frontend/dist", "frontend/e2e/screenshots/"})

OPERATION_ROW = re.compile(r"^\| `(?P<method>[A-Z]+) (?P<path>/\S*)` \| `(?P<id>\w+)` \|", re.MULTILINE)


def prose(path: Path) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, numbered from 1."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped, spaces as hyphens."""
    text = LINK.sub(lambda m: m["text"], heading).replace("`", "").lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    seen: Counter[str] = Counter()
    out = set()
    for _, line in prose(path):
        match = HEADING.match(line)
        if match:
            base = slug(match["text"])
            out.add(base if not seen[base] else f"{base}-{seen[base]}")
            seen[base] += 1
    return frozenset(out)


def links(path: Path) -> list[tuple[int, str]]:
    return [
        (number, match["target"])
        for number, line in prose(path)
        for match in LINK.finditer(INLINE_CODE.sub("", line))
        if not EXTERNAL.match(match["target"])
    ]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_a_file_and_heading_in_the_repository(doc: Path) -> None:
    broken = []
    for number, target in links(doc):
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        if not linked.is_relative_to(ROOT) or not linked.exists():
            broken.append(f"line {number}: {target} (no such file in the repository)")
        elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
            broken.append(f"line {number}: {target} (no heading with that anchor)")
    assert not broken, f"{doc.relative_to(ROOT)}:\n" + "\n".join(broken)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_source_paths_named_in_the_documents_exist(doc: Path) -> None:
    # Code moves; a document naming a file that moved sends its reader nowhere.
    missing = []
    for number, line in prose(doc):
        for match in REPO_PATH.finditer(line):
            name = match["path"]
            found = any(ROOT.glob(name)) if "*" in name else (ROOT / name).exists()
            if not found and name not in BUILT:
                missing.append(f"line {number}: {name}")
    assert not missing, f"{doc.relative_to(ROOT)} names paths that do not exist:\n" + "\n".join(missing)


def test_the_api_reference_lists_every_operation_of_the_openapi_document() -> None:
    spec = json.loads((ROOT / "frontend" / "openapi.json").read_text(encoding="utf-8"))
    served = {
        (method.upper(), path, operation["operationId"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    listed = [(m["method"], m["path"], m["id"]) for m in OPERATION_ROW.finditer(text)]
    assert len(listed) == len(set(listed)), "an operation is listed twice"
    assert sorted(served - set(listed)) == [], "operations missing from docs/api.md"
    assert sorted(set(listed) - served) == [], "docs/api.md lists operations the API does not have"


def repository_files() -> list[Path]:
    """Tracked files and new ones not ignored; without git, every file outside NOT_SOURCE."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return [
            p
            for p in ROOT.rglob("*")
            if p.is_file() and not NOT_SOURCE.intersection(p.relative_to(ROOT).parts)
        ]
    return [ROOT / name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


def test_nothing_in_the_repository_refers_to_files_outside_it() -> None:
    offenders = []
    for path in repository_files():
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not offenders, "refer to our own docs/ instead:\n" + "\n".join(offenders)
