"""The development signing key in data_dir: created readable by its owner only, and refused when
anyone else may read it (whoever reads it can sign tokens as any user)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.core.config import SecretKeyFileError, Settings
from app.main import create_app

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def development(data_dir: Path) -> Settings:
    return Settings(
        environment="development",
        secret_key="",
        data_dir=data_dir,
        database_url="sqlite+aiosqlite:///:memory:",
        spa_dir=None,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestDevKey:
    def test_is_created_owner_only_even_with_a_permissive_umask(self, tmp_path: Path) -> None:
        previous = os.umask(0o000)
        try:
            key = development(tmp_path).effective_secret_key()
        finally:
            os.umask(previous)
        path = tmp_path / "dev-secret-key"
        assert mode(path) == 0o600
        assert key == path.read_text().strip() and len(key) >= 32

    @pytest.mark.parametrize("loose", [0o644, 0o640, 0o604, 0o620])
    def test_a_key_others_may_read_or_write_is_refused_until_it_is_private(
        self, tmp_path: Path, loose: int
    ) -> None:
        path = tmp_path / "dev-secret-key"
        path.write_text("k" * 64)
        path.chmod(loose)
        with pytest.raises(SecretKeyFileError, match="chmod 600"):
            create_app(development(tmp_path))
        path.chmod(0o600)
        assert create_app(development(tmp_path)).state.secret_key == "k" * 64
