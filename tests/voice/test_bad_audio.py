"""Recordings that cannot be an answer, and speech servers that fail: each gets a clear
4xx/503 message, and the interview loses nothing: the question stays open, no draft or
file is left, and the answer can be recorded again or typed."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from hireloop.config import Settings
from hireloop.voice.models import VoiceAnswer
from tests.factories import auth
from tests.voice.conftest import audio_files
from tests.voice.fake_speech import FakeSpeech, SpeechReply
from tests.voice.helpers import TYPED, confirm, nothing_lost, upload, voice_interview
from tests.voice.recordings import Recordings, tone, wav_header, webm_claiming


def _bad(recordings: Recordings, case: str) -> tuple[bytes, str]:
    webm = recordings.read("webm")
    return {
        "empty": (b"", "audio/webm"),
        "silent": (recordings.read("silence_wav"), "audio/wav"),
        "not_audio": (b"%PDF-1.7\n" + bytes(2000), "application/pdf"),
        "text_claiming_webm": (b"hello, this is not a recording at all" * 20, "audio/webm"),
        "wav_claiming_webm": (recordings.read("wav"), "audio/webm"),
        "truncated_webm": (webm[:40], "audio/webm"),
        "headers_only_webm": (webm[:200], "audio/webm"),
        "webm_claiming_ten_hours": (webm_claiming(36_000), "audio/webm"),
        "over_size": (webm + bytes(450 * 1024), "audio/webm"),
        "over_duration": (wav_header(16000 * 2 * 8) + tone(8), "audio/wav"),
        "tiny_wav": (wav_header(200) + tone(0.005), "audio/wav"),
    }[case]


EXPECTED = {
    "empty": (422, "audio_empty", "empty"),
    "silent": (422, "audio_silent", "silent"),
    "not_audio": (415, "audio_unsupported", "not a recording"),
    "text_claiming_webm": (415, "audio_unsupported", "not a recording"),
    "wav_claiming_webm": (415, "audio_unsupported", "says it is WEBM"),
    "truncated_webm": (422, "audio_truncated", "cut off"),
    "headers_only_webm": (422, "audio_truncated", "cut off"),
    "webm_claiming_ten_hours": (413, "audio_too_long", "longer than 5 seconds"),
    "over_size": (413, "audio_too_long", "larger than"),
    "over_duration": (413, "audio_too_long", "longer than 5 seconds"),
    "tiny_wav": (422, "audio_empty", "too short"),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
async def test_a_bad_recording_is_refused_plainly_and_nothing_is_lost(
    case: str,
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_speech: FakeSpeech,
    recordings: Recordings,
) -> None:
    settings.speech_max_seconds = 5
    settings.speech_max_bytes = 400 * 1024
    token, _, started, qid = await voice_interview(client, app)
    data, content_type = _bad(recordings, case)
    refused = await upload(client, token, started["id"], data, content_type, question_id=qid)
    status, code, words = EXPECTED[case]
    assert refused.status_code == status, refused.text
    assert refused.json()["code"] == code
    assert words in refused.json()["detail"]
    assert "type it" in refused.json()["detail"] or "type your answer" in refused.json()["detail"]
    # Refused before the speech server heard anything.
    assert fake_speech.calls_to("/audio/transcriptions") == []
    await nothing_lost(client, app, settings, token, started["id"], qid)


async def test_a_header_claiming_more_audio_than_the_file_holds_is_measured_by_its_bytes(
    client: AsyncClient, app: Any, settings: Settings, recordings: Recordings
) -> None:
    settings.speech_max_seconds = 15
    token, _, started, _ = await voice_interview(client, app)
    # The data chunk claims ~37 hours; one second is there.
    claimed = wav_header(0xFFFFFF00) + tone(1)
    accepted = await upload(client, token, started["id"], claimed, "audio/wav")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["duration_seconds"] == pytest.approx(1.0)


async def test_a_transcript_with_no_words_is_silence(
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_speech: FakeSpeech,
    recordings: Recordings,
) -> None:
    fake_speech.fail_next(1, SpeechReply(text="   "))
    token, _, started, qid = await voice_interview(client, app)
    refused = await upload(client, token, started["id"], recordings.read("webm"))
    assert refused.status_code == 422
    assert refused.json()["code"] == "audio_silent"
    assert "No speech was heard" in refused.json()["detail"]
    await nothing_lost(client, app, settings, token, started["id"], qid)


@pytest.mark.parametrize(
    "reply",
    [
        SpeechReply(status=500),
        SpeechReply(status=404),
        SpeechReply(status=401),
        SpeechReply(raw_body="<html>502 Bad Gateway</html>", status=502),
        SpeechReply(raw_body="not json at all", status=200),
        SpeechReply(delay=3.0),
    ],
    ids=["500", "404", "401", "html-502", "not-json", "timeout"],
)
async def test_a_failing_speech_server_is_a_503_and_the_recording_can_be_retried(
    reply: SpeechReply,
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_speech: FakeSpeech,
    recordings: Recordings,
) -> None:
    settings.speech_timeout_seconds = 0.5
    fake_speech.script = lambda call: reply
    token, _, started, qid = await voice_interview(client, app)
    failed = await upload(client, token, started["id"], recordings.read("webm"), question_id=qid)
    assert failed.status_code == 503, failed.text
    assert failed.json()["code"] == "speech_unavailable"
    assert "Nothing was lost" in failed.json()["detail"]
    assert "Retry-After" in failed.headers
    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(VoiceAnswer)) == 0
    assert audio_files(settings) == []

    fake_speech.script = lambda call: SpeechReply()  # the server is back
    retried = await upload(client, token, started["id"], recordings.read("webm"), question_id=qid)
    assert retried.status_code == 201, retried.text
    sent = await confirm(client, token, started["id"], retried.json()["id"], TYPED)
    assert sent.status_code == 200, sent.text


async def test_a_failing_speech_server_leaves_the_question_readable(
    client: AsyncClient, app: Any, fake_speech: FakeSpeech
) -> None:
    fake_speech.script = lambda call: SpeechReply(status=500)
    token, _, started, qid = await voice_interview(client, app)
    spoken = await client.get(
        f"/api/v1/interviews/{started['id']}/messages/{qid}/speech", headers=auth(token)
    )
    assert spoken.status_code == 503
    assert spoken.json()["code"] == "speech_unavailable"
    detail = await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))
    assert detail.json()["current_question"]["content_text"]


async def test_an_answer_to_a_question_already_answered_is_refused(
    client: AsyncClient, app: Any, recordings: Recordings
) -> None:
    token, _, started, qid = await voice_interview(client, app)
    first = (await upload(client, token, started["id"], recordings.read("webm"))).json()
    second = (await upload(client, token, started["id"], recordings.read("webm"))).json()
    assert (await confirm(client, token, started["id"], first["id"], TYPED)).status_code == 200
    late = await confirm(client, token, started["id"], second["id"], TYPED)
    assert late.status_code == 409
    assert late.json()["code"] == "question_not_current"
    stale = await upload(client, token, started["id"], recordings.read("webm"), question_id=qid)
    assert stale.status_code == 409
