"""The built SPA is served with a Content-Security-Policy that lets it run (its own scripts, styles
and API, blob: previews of evidence) and nothing else; the API's own answers keep theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.core.config import Settings
from app.main import create_app


def directives(header: str) -> dict[str, set[str]]:
    parsed: dict[str, set[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = set(sources)
    return parsed


@pytest.fixture
async def spa(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    # What `npm run build` leaves in frontend/dist: index.html loading hashed chunks from /assets.
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-abc123.js").write_text("export {};\n")
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>Bangkom</title><script type="module" src="/assets/index-abc123.js"></script>'
    )
    (tmp_path / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    app = create_app(settings.model_copy(update={"spa_dir": tmp_path}))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://bangkom.test") as client:
        yield client


class TestSpaPolicy:
    @pytest.mark.parametrize("path", ["/", "/asn/records", "/opd/verification?tab=pending", "/favicon.svg"])
    async def test_pages_carry_the_policy(self, spa: httpx.AsyncClient, path: str) -> None:
        r = await spa.get(path)
        assert r.status_code == 200
        policy = directives(r.headers["content-security-policy"])
        assert policy["default-src"] == {"'self'"}
        # No inline or evaluated script, no inline style: the build has none.
        assert policy["script-src"] == {"'self'"}
        assert policy["style-src"] == {"'self'"}
        assert policy["connect-src"] == {"'self'"}
        assert policy["img-src"] == {"'self'", "data:", "blob:"}
        assert policy["frame-src"] == {"'self'", "blob:"}  # the OPD's PDF preview
        assert policy["object-src"] == {"blob:"}  # the claim form's PDF preview, and no plugin else
        assert policy["base-uri"] == {"'self'"}
        assert policy["form-action"] == {"'self'"}
        assert policy["frame-ancestors"] == {"'none'"}
        assert r.headers["x-content-type-options"] == "nosniff"

    async def test_api_answers_keep_their_own_headers(self, spa: httpx.AsyncClient) -> None:
        # The interactive docs load Swagger UI from a CDN: the SPA's policy would break them.
        for path in ("/api/v1/openapi.json", "/healthz", "/api/docs"):
            r = await spa.get(path)
            assert "content-security-policy" not in r.headers, path
            assert r.headers["x-content-type-options"] == "nosniff", path
