"""The README does what it says: its walkthrough runs (twice), its settings tables are the
ones generated from the settings class, and every variable the code reads is in it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from hireloop.config import Settings
from hireloop.settings_doc import BLOCK, GROUPS, env_name, markdown_table, refresh_generated
from tests.live_server import live_server, server_env

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
WALKTHROUGH_HEADING = "## A job-linked interview through the API\n"
README_SERVER = "http://127.0.0.1:8000"


def walkthrough() -> str:
    """The first bash block of the walkthrough section, exactly as a reader copies it."""
    section = README.read_text().split(WALKTHROUGH_HEADING, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the walkthrough has no bash block"
    return block.group(1)


def test_settings_tables_are_the_generated_ones() -> None:
    text = README.read_text()
    assert sorted(match["group"] for match in BLOCK.finditer(text)) == sorted(GROUPS)
    assert refresh_generated(text) == text, (
        "README.md's settings tables differ from src/hireloop/config.py: run `make docs`"
    )


def test_every_setting_is_documented_once() -> None:
    text = README.read_text()
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} needs a description"
        assert text.count(f"| `{env_name(name, field)}` |") == 1, name


def test_settings_command_prints_the_tables() -> None:
    for group in GROUPS:
        printed = subprocess.run(
            [sys.executable, "-m", "hireloop.cli", "settings", "--markdown", "--group", group],
            capture_output=True,
            text=True,
            check=True,
        )
        assert printed.stdout == markdown_table(group)


def test_variables_read_outside_the_settings_class_are_documented() -> None:
    text = README.read_text()
    read = re.compile(r"""(?:environ\.get|getenv|environ\[)\(?\s*["'](HIRELOOP_\w+)["']""")
    named = re.compile(r"""^\s*\w+_ENV\s*=\s*["'](HIRELOOP_\w+)["']""", re.MULTILINE)
    found: set[str] = set()
    for source in (ROOT / "src" / "hireloop").rglob("*.py"):
        code = source.read_text()
        found |= set(read.findall(code)) | set(named.findall(code))
    assert "HIRELOOP_NEW_USER_PASSWORD" in found  # the scan itself works
    undocumented = [name for name in found if f"`{name}`" not in text and f"${name}`" not in text]
    assert undocumented == []


def test_recruiter_api_paths_carry_the_api_prefix() -> None:
    text = README.read_text()
    recruiter = text.split("The recruiter API behind these pages:", 1)[1].split("\n\n", 1)[0]
    paths = re.findall(r"(?:GET|POST|PATCH|GET/PATCH)\s+(/[\w/{}|-]+)", recruiter)
    assert paths and all(path.startswith("/api/v1/") for path in paths), paths


def _run_walkthrough(script: str) -> tuple[dict[str, Any], dict[str, Any]]:
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    turns = [i for i, line in enumerate(lines) if line.startswith('{"question":')]
    assert turns, done.stdout
    last_turn = json.loads(lines[turns[-1]])
    results = json.loads("\n".join(lines[turns[-1] + 1 :]))
    return last_turn, results


@pytest.mark.skipif(
    not (shutil.which("jq") and shutil.which("curl")), reason="the walkthrough needs jq and curl"
)
async def test_walkthrough_runs_to_the_results_and_again(
    app: Any, database_url: str, tmp_path: Path
) -> None:
    from hireloop.jobs.seed import seed_postings

    async with app.state.sessionmaker() as session:
        await seed_postings(session)
        await session.commit()
    script = walkthrough()
    assert README_SERVER in script
    with live_server(server_env(database_url, str(tmp_path))) as (base, _process):
        runs = [_run_walkthrough(script.replace(README_SERVER, base)) for _ in range(2)]
        for last_turn, results in runs:
            assert last_turn["complete"] is True and last_turn["detail"] is None
            assert isinstance(results["overall_score"], int | float) and results["recommendation"]
        async with httpx.AsyncClient(base_url=f"{base}/api/v1", timeout=30) as client:
            login = await client.post(
                "/auth/login", json={"email": "ada@example.com", "password": "correct-horse-9"}
            )
            token = login.json()["access_token"]
            mine = await client.get("/interviews/me", headers={"authorization": f"Bearer {token}"})
    interviews = mine.json()["items"]
    assert [i["status"] for i in interviews] == ["completed", "completed"]
    assert len({i["job_posting_id"] for i in interviews}) == 2, "the second run took another job"
