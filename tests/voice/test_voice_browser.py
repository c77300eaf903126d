"""A whole voice interview in Chromium with a fake microphone playing a recording made
with espeak-ng: the question is spoken, a failed transcription is retried, a transcript is
corrected before it is sent, and the candidate switches to typing; axe finds nothing
serious on the voice page."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from hireloop.auth.models import UserRole
from hireloop.voice.audio import inspect_audio
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.live_server import live_server, server_env
from tests.voice.fake_speech import FakeSpeech, SpeechReply
from tests.voice.recordings import Recordings
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, check_page, log_in, new_page

CORRECTED = "I would put failed jobs on a retry queue with exponential backoff and alerts."
TYPED = "I would measure the queue depth and page someone when it keeps growing."


@pytest.fixture
async def browser(recordings: Recordings) -> AsyncIterator[Browser]:
    microphone = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={recordings.wav}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *microphone], headless=True
        )
        yield chromium
        await chromium.close()


async def eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait for something the browser causes on the fake speech server."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


async def hold_to_talk(page: Page, seconds: float = 2.0) -> None:
    button = page.get_by_role("button", name="Hold to talk")
    await button.hover()
    await page.mouse.down()
    await expect(page.locator("#record-answer")).to_have_attribute("aria-pressed", "true")
    await page.wait_for_timeout(seconds * 1000)
    await page.mouse.up()


async def test_a_voice_interview_in_the_browser(
    app: Any,
    client: httpx.AsyncClient,
    database_url: str,
    tmp_path: Path,
    browser: Browser,
    fake_speech: FakeSpeech,
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    candidate = await register_candidate(client, "Vera Voice")
    token, email = candidate["access_token"], candidate["user"]["email"]
    application = await apply(client, token, job["id"])
    interview_id = application["interview"]["id"]
    env = server_env(
        database_url,
        str(tmp_path),
        HIRELOOP_SPEECH_PROVIDER="openai",
        HIRELOOP_SPEECH_BASE_URL=fake_speech.base_url,
        HIRELOOP_MIN_QUESTIONS="4",
        HIRELOOP_MAX_QUESTIONS="6",
    )
    with live_server(env) as (base, _process):
        context, page = await new_page(browser)
        await log_in(page, base, email)
        await page.goto(f"{base}/interviews/{interview_id}")
        await page.get_by_label("By voice", exact=False).check()
        await page.get_by_role("button", name="Start interview").click()

        # The question is shown and spoken.
        await expect(page.get_by_role("button", name="Hold to talk")).to_be_visible()
        first_question = (await page.locator("#current-question p.text").inner_text()).strip()
        await eventually(lambda: len(fake_speech.calls_to("/audio/speech")) > 0)
        spoken = fake_speech.calls_to("/audio/speech")
        assert spoken and spoken[0].body["input"] == first_question
        await check_page(page, "voice-interview")
        await page.evaluate(
            "() => { window.plays = 0; document.getElementById('question-audio')"
            ".addEventListener('play', () => { window.plays += 1; }); }"
        )
        await page.get_by_role("button", name="Replay question").click()
        await page.wait_for_function("() => window.plays > 0")

        # The speech server fails: a plain message, nothing sent, record again.
        fake_speech.script = lambda call: SpeechReply(status=500)
        await hold_to_talk(page)
        await expect(page.locator("#answer-error")).to_contain_text(
            "speech service is not answering"
        )
        await expect(page.get_by_label("Your answer to question 1")).to_have_value("")
        fake_speech.script = lambda call: SpeechReply()

        pressed = time.monotonic()
        await hold_to_talk(page)
        answer_box = page.get_by_label("Your answer to question 1")
        await expect(answer_box).to_have_value(fake_speech.transcript)
        heard = fake_speech.calls_to("/audio/transcriptions")[-1]
        assert heard.audio[:4] == b"\x1a\x45\xdf\xa3"  # WebM from MediaRecorder
        assert len(heard.audio) > 2000
        # Chrome's live WebM says no Duration; its length is still measured, and is no
        # longer than the button was held for (2 s, after the recorder had started).
        measured = inspect_audio(
            heard.audio, heard.audio_type, max_bytes=len(heard.audio), max_seconds=3600
        ).duration_seconds
        assert measured is not None
        assert 1.0 < measured < time.monotonic() - pressed
        await check_page(page, "voice-interview-transcript")
        await answer_box.fill(CORRECTED)
        await page.get_by_role("button", name="Send answer").click()
        await expect(page.locator("#q-number")).to_have_text("2")
        second_question = (await page.locator("#current-question p.text").inner_text()).strip()
        await eventually(
            lambda: fake_speech.calls_to("/audio/speech")[-1].body["input"] == second_question
        )

        # The microphone fails, say: the candidate types instead.
        await page.get_by_role("button", name="Type instead").click()
        await expect(page.locator("#voice-panel")).to_be_hidden()
        await page.get_by_label("Your answer to question 2").fill(TYPED)
        await page.get_by_role("button", name="Send answer").click()
        await expect(page.locator("#q-number")).to_have_text("3")
        await context.close()

    messages = (
        await client.get(f"/api/v1/interviews/{interview_id}/messages", headers=auth(token))
    ).json()["items"]
    answers = [m for m in messages if m["message_type"] == "candidate_response"]
    assert answers[0]["content_text"] == CORRECTED
    assert answers[0]["metadata"]["input"] == "voice"
    assert answers[0]["metadata"]["transcript_edited"] is True
    assert answers[1]["content_text"] == TYPED
    assert "input" not in answers[1]["metadata"]
    detail = (await client.get(f"/api/v1/interviews/{interview_id}", headers=auth(token))).json()
    assert detail["answer_mode"] == "text"
