"""End of recording → first audio byte of the next question, minus the speech and model
servers' own time (target: p95 overhead <= 300 ms).

A real server on 127.0.0.1 talks to the test suite's fake OpenAI-compatible speech server
(transcription takes ``--speech-ms``, speech starts after ``--speech-ms``) and fake model
server (each call takes ``--model-ms``). Each turn: upload the recording (made with
espeak-ng and ffmpeg), confirm the transcript, fetch the next question's speech until its
first byte. The servers' own time (as the fakes measured it) is subtracted; what is left
is ours: HTTP, checks of the recording, the turn, the database, streaming. The baseline,
measured in the same run, is the typed turn plus the same speech fetch.

    python -m bench.voice_round_trip [--answers 20] [--speech-ms 50] [--model-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx
from tests.providers.fake_openai import Call, FakeOpenAI, Reply, naive_model
from tests.voice.fake_speech import FakeSpeech, SpeechReply
from tests.voice.recordings import make_recordings

from bench.harness import database_url, headers, percentile, register, server

TARGET_MS = 300.0
ANSWER = "I would put failed jobs on a retry queue with exponential backoff and alerts."


async def _first_byte(client: httpx.AsyncClient, url: str, token: str) -> float:
    async with client.stream("GET", url, headers=headers(token)) as response:
        response.raise_for_status()
        async for _chunk in response.aiter_bytes():
            return time.monotonic()
    raise RuntimeError("no audio")


async def run(base: str, speech: FakeSpeech, model: FakeOpenAI, audio: bytes, answers: int) -> None:
    voice: list[float] = []
    voice_total: list[float] = []
    typed_total: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        token = await register(client, 0)
        interview = ""
        for number in range(answers * 2):
            if number % 6 == 0:  # a fresh interview before one could end
                started = await client.post(
                    "/api/v1/interviews/start",
                    json={"role_type": "python", "answer_mode": "voice"},
                    headers=headers(token),
                )
                started.raise_for_status()
                interview = started.json()["id"]
            spoken = number % 2 == 0
            speech_before, model_before = len(speech.calls), len(model.calls)
            end_of_recording = time.monotonic()
            if spoken:
                draft = await client.post(
                    f"/api/v1/interviews/{interview}/voice-answers",
                    files={"audio": ("answer.webm", audio, "audio/webm")},
                    headers=headers(token),
                )
                draft.raise_for_status()
                turn = await client.post(
                    f"/api/v1/interviews/{interview}/voice-answers/{draft.json()['id']}/confirm",
                    json={"content": ANSWER},
                    headers=headers(token),
                )
            else:
                current = await client.get(
                    f"/api/v1/interviews/{interview}", headers=headers(token)
                )
                turn = await client.post(
                    f"/api/v1/interviews/{interview}/messages",
                    json={
                        "content": ANSWER,
                        "question_id": current.json()["current_question"]["id"],
                    },
                    headers=headers(token),
                )
            turn.raise_for_status()
            following = turn.json()["next_question"]
            if following is None:
                continue
            first_byte = await _first_byte(
                client, f"/api/v1/interviews/{interview}/messages/{following['id']}/speech", token
            )
            total = first_byte - end_of_recording
            servers = (
                sum(
                    c.finished - c.started
                    for c in speech.calls[speech_before:]
                    if c.path.endswith("transcriptions")
                )
                + sum(r.delay for c in model.calls[model_before:] if (r := c.reply) is not None)
                + sum(
                    speech.delay for c in speech.calls[speech_before:] if c.path.endswith("speech")
                )
            )
            if spoken:
                voice.append(total - servers)
                voice_total.append(total)
            else:
                typed_total.append(total)
    p50, p95 = percentile(voice, 50) * 1000, percentile(voice, 95) * 1000
    typed, spoken_p50 = percentile(typed_total, 50), percentile(voice_total, 50)
    print(
        f"voice turns: {len(voice)}; end of recording -> first audio byte, servers' time removed:"
    )
    print(f"overhead p50 {p50:.1f} ms   p95 {p95:.1f} ms   max {max(voice) * 1000:.1f} ms")
    print(
        f"whole round trip p50: voice {spoken_p50 * 1000:.1f} ms, typed baseline "
        f"{typed * 1000:.1f} ms (ratio {spoken_p50 / typed:.2f})"
    )
    print(f"p95 overhead {'meets' if p95 <= TARGET_MS else 'MISSES'} the {TARGET_MS:.0f} ms target")


class TimedSpeech(FakeSpeech):
    delay = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--speech-ms", type=float, default=50)
    parser.add_argument("--model-ms", type=float, default=50)
    args = parser.parse_args()
    audio = make_recordings(Path(tempfile.mkdtemp(prefix="bench-voice-"))).webm.read_bytes()
    speech = TimedSpeech()
    speech.delay = args.speech_ms / 1000
    speech.script = lambda _call: SpeechReply(delay=speech.delay)

    def slow_model(call: Call) -> Reply:
        reply = naive_model(call)
        reply.delay = args.model_ms / 1000
        return reply

    with speech.running(), FakeOpenAI(slow_model).running() as model:
        env = {
            "HIRELOOP_AI_PROVIDER": "openai",
            "HIRELOOP_AI_BASE_URL": model.base_url,
            "HIRELOOP_AI_API_KEY": "bench",
            "HIRELOOP_SPEECH_PROVIDER": "openai",
            "HIRELOOP_SPEECH_BASE_URL": speech.base_url,
            "HIRELOOP_RATE_LIMITS_ENABLED": "false",
        }
        with server(database_url("hireloop_bench_voice"), extra_env=env) as base:
            asyncio.run(run(base, speech, model, audio, args.answers))


if __name__ == "__main__":
    main()
