"""The hireloop command as an operator uses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from hireloop.jobs.seed import SEED_FILE

HIRELOOP = [sys.executable, "-m", "hireloop.cli"]


def _run(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        HIRELOOP + args,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIRELOOP_")}
    env.pop("DATABASE_URL", None)
    env.update({"DATABASE_URL": database_url, "HIRELOOP_DATA_DIR": str(tmp_path / "data")})
    return env


def test_migrate_seed_idempotently_and_create_user(tmp_path: Path, empty_database_url: str) -> None:
    env = _env(tmp_path, empty_database_url)
    migrated = _run(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr
    postings = len(yaml.safe_load(SEED_FILE.read_text()))
    first = _run(["seed"], env)
    assert first.returncode == 0, first.stderr
    assert f"{postings} added, 0 already present" in first.stdout
    second = _run(["seed"], env)
    assert f"0 added, {postings} already present" in second.stdout

    created = _run(
        [
            "create-user",
            "--email",
            "Boss@Example.com",
            "--name",
            "Boss",
            "--role",
            "recruiter",
            "--password-stdin",
        ],
        env,
        stdin="s3cret-pass\n",
    )
    assert created.returncode == 0, created.stdout + created.stderr
    assert "Created recruiter boss@example.com" in created.stdout
    duplicate = _run(
        [
            "create-user",
            "--email",
            "boss@example.com",
            "--name",
            "Boss",
            "--password",
            "s3cret-pass",
        ],
        env,
    )
    assert duplicate.returncode == 1 and "already registered" in duplicate.stdout


def test_secret_is_generated_once_with_private_permissions(tmp_path: Path) -> None:
    from hireloop.config import Settings

    settings = Settings(data_dir=tmp_path / "data", environment="development")
    first = settings.jwt_secret_value()
    assert first == Settings(data_dir=tmp_path / "data").jwt_secret_value()
    secret_file = tmp_path / "data" / "secret_key"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert len(first) >= 40
