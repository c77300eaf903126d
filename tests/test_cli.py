"""The hireloop command as an operator uses it."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
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
    assert duplicate.returncode == 2, duplicate.stdout + duplicate.stderr
    assert duplicate.stderr == "hireloop create-user: error: Email already registered\n"


def test_sweep_marks_idle_interviews_abandoned_from_cron(
    tmp_path: Path, empty_database_url: str
) -> None:
    env = _env(tmp_path, empty_database_url)
    assert _run(["migrate"], env).returncode == 0
    swept = _run(["sweep"], env | {"HIRELOOP_IDLE_ABANDON_MINUTES": "30"})
    assert swept.returncode == 0, swept.stderr
    assert swept.stdout.strip() == (
        "0 idle interviews marked abandoned (no answer for 30 minutes)."
    )


def test_purge_runs_from_cron(tmp_path: Path, empty_database_url: str) -> None:
    env = _env(tmp_path, empty_database_url)
    assert _run(["migrate"], env).returncode == 0
    purged = _run(["purge", "--dry-run"], env | {"HIRELOOP_RETENTION_TRANSCRIPT_DAYS": "30"})
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.splitlines() == [
        "Retention: transcripts 30 days after closing, resumes kept, audio kept.",
        "Nothing to purge.",
    ]
    refused = _run(["purge"], env | {"HIRELOOP_RETENTION_RESUME_DAYS": "0"})
    assert refused.returncode == 2 and "HIRELOOP_RETENTION_RESUME_DAYS" in refused.stderr


def test_secret_is_generated_once_with_private_permissions(tmp_path: Path) -> None:
    from hireloop.config import Settings

    settings = Settings(data_dir=tmp_path / "data", environment="development")
    first = settings.jwt_secret_value()
    assert first == Settings(data_dir=tmp_path / "data").jwt_secret_value()
    secret_file = tmp_path / "data" / "secret_key"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert len(first) >= 40


SECRET = "Zebra-Secret-42"  # a valid password: whatever else is wrong, it must not be echoed


def _assert_one_line_error(result: subprocess.CompletedProcess[str], command: str) -> str:
    """Exit code 2, one line on stderr naming the command, no traceback, no secret."""
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"hireloop {command}: error: "), lines[0]
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
        assert SECRET not in stream
    return lines[0]


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["--email", "not-an-email", "--name", "Boss", "--password", SECRET], None, "--email"),
        (["--email", "boss@example.com", "--name", "Boss", "--password", "Zeb-1"], None, "8"),
        (["--email", "boss@example.com", "--name", "", "--password", SECRET], None, "--name"),
        (["--email", "boss@example.com", "--name", "  ", "--password", SECRET], None, "--name"),
        (["--email", "bad", "--name", "Boss", "--password-stdin"], SECRET + "\n", "--email"),
        (["--email", "boss@example.com", "--name", "B", "--password-stdin"], "", "no password"),
        (["--email", "boss@example.com", "--name", "B", "--password-stdin"], "\n", "no password"),
        (["--email", "boss@example.com", "--name", "B"], "", "--password-stdin"),  # no tty
        (["--email", "zebra@example.com", "--name", "B", "--password", SECRET], None, "email"),
        (["--email", "boss@example.com", "--password", SECRET], None, "--name"),
    ],
)
def test_create_user_errors_are_one_line_without_the_password(
    tmp_path: Path, args: list[str], stdin: str | None, says: str
) -> None:
    # Each is refused before the database is touched (the duplicate is in the test above).
    env = _env(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    result = _run(["create-user", *args], env, stdin=stdin if stdin is not None else "")
    line = _assert_one_line_error(result, "create-user")
    assert says in line
    if "--password" in args:
        assert args[args.index("--password") + 1] not in result.stdout + line


def test_other_commands_fail_in_one_line_without_secrets(tmp_path: Path) -> None:
    env = _env(tmp_path, f"postgresql://boss:{SECRET}@127.0.0.1:1/nowhere")
    env["HIRELOOP_AI_API_KEY"] = SECRET
    for args in (["migrate"], ["seed"], ["serve", "--port", "0"]):
        line = _assert_one_line_error(_run(args, env), args[0])
        assert "database at postgresql+asyncpg://boss:***@127.0.0.1:1/nowhere" in line
    invalid = {**env, "HIRELOOP_MIN_QUESTIONS": "many", "HIRELOOP_AI_PROVIDER": "openai"}
    line = _assert_one_line_error(_run(["migrate"], invalid), "migrate")
    assert "HIRELOOP_MIN_QUESTIONS" in line
    line = _assert_one_line_error(_run(["seed", "--synthetic", "0"], env), "seed")
    assert "--synthetic" in line and "--help" in line


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "eighty"])
def test_serve_refuses_a_port_out_of_range(tmp_path: Path, port: str) -> None:
    env = _env(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    line = _assert_one_line_error(_run(["serve", "--port", port], env), "serve")
    assert "--port" in line


def test_serve_reports_a_taken_port_in_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _assert_one_line_error(_run(["serve", "--port", str(port)], env), "serve")
    assert f"cannot listen on 127.0.0.1 port {port}" in line


def test_serve_on_port_zero_prints_the_port_it_bound(
    tmp_path: Path, empty_database_url: str
) -> None:
    env = _env(tmp_path, empty_database_url)
    server = subprocess.Popen(
        [*HIRELOOP, "serve", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True
    )
    # A reader thread: select() on the pipe would miss lines already in Python's buffer.
    lines: queue.Queue[str] = queue.Queue()
    output = server.stdout
    assert output is not None
    threading.Thread(target=lambda: [lines.put(line) for line in output], daemon=True).start()
    try:
        deadline = time.monotonic() + 180  # migrate and seed first; a loaded machine is slow
        announced = None
        while announced is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no address printed (exit code {server.poll()})") from None
            announced = re.search(r"Hireloop on (http://127\.0\.0\.1:(\d+)) ", line)
        base, port = announced.group(1), int(announced.group(2))
        assert port != 0
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                assert server.poll() is None, "serve exited"
                time.sleep(0.2)
        else:
            raise AssertionError(f"nothing answered on the announced {base}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_every_option_has_help_and_shows_its_default() -> None:
    from hireloop.cli import build_parser

    parser = build_parser()
    (commands,) = (a for a in parser._actions if a.dest == "command")
    assert isinstance(commands.choices, dict)
    for name, sub in commands.choices.items():
        assert sub.description, name
        text = sub.format_help()
        for action in sub._actions:
            if action.dest == "help":
                continue
            assert action.help, f"hireloop {name} {action.option_strings}: no help text"
            if action.required:
                assert "(required)" in text
            elif action.default not in (None, False):
                assert f"(default: {action.default})" in " ".join(text.split()), (
                    f"hireloop {name} --help does not show {action.option_strings}' default"
                )
    served = _run(["serve", "--help"], dict(os.environ))
    assert served.returncode == 0
    for shown in ("(default: 127.0.0.1)", "(default: 8000)", "(default: 1)", "0 picks a free"):
        assert shown in served.stdout


def test_make_run_takes_host_and_port() -> None:
    root = Path(__file__).resolve().parent.parent
    planned = subprocess.run(
        ["make", "-n", "-C", str(root), "run", "PORT=8080", "HOST=0.0.0.0"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "hireloop serve --host '0.0.0.0' --port '8080'" in planned.stdout
    default = subprocess.run(
        ["make", "-n", "-C", str(root), "run"], capture_output=True, text=True, check=True
    )
    assert "hireloop serve --host '127.0.0.1' --port '8000'" in default.stdout


def test_settings_lists_the_values_in_effect_with_secrets_masked(tmp_path: Path) -> None:
    env = _env(tmp_path, f"postgresql://boss:{SECRET}@db.example/hireloop")
    env.update({"HIRELOOP_JWT_SECRET": SECRET * 3, "HIRELOOP_AI_API_KEY": SECRET})
    listed = _run(["settings"], env)
    assert listed.returncode == 0, listed.stderr
    assert SECRET not in listed.stdout
    assert "HIRELOOP_JWT_SECRET=**********" in listed.stdout.splitlines()
    assert "DATABASE_URL=postgresql://boss:***@db.example/hireloop" in listed.stdout
    ai = _run(["settings", "--group", "ai"], env).stdout.splitlines()
    assert ai and all(line.startswith("HIRELOOP_AI_") for line in ai)
