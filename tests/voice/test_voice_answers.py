"""A voice interview through the API: questions spoken, answers recorded, transcribed,
corrected and confirmed; the evaluation takes the confirmed text."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.config import Settings
from tests.factories import auth, register_candidate
from tests.voice.conftest import audio_files
from tests.voice.fake_speech import MP3_FRAME, FakeSpeech
from tests.voice.helpers import confirm, upload, voice_interview
from tests.voice.recordings import Recordings

CORRECTED = (
    "I would put the failed jobs on a retry queue with exponential backoff, and alert "
    "when the queue grows."
)


async def test_a_spoken_answer_is_transcribed_corrected_and_judged_on_the_confirmed_text(
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_speech: FakeSpeech,
    recordings: Recordings,
) -> None:
    token, _, started, question_id = await voice_interview(client, app)
    interview_id = started["id"]
    assert started["answer_mode"] == "voice"
    detail = await client.get(f"/api/v1/interviews/{interview_id}", headers=auth(token))
    assert detail.json()["voice_offered"] is True
    assert detail.json()["answer_mode"] == "voice"  # stored, not only answered

    spoken = await client.get(
        f"/api/v1/interviews/{interview_id}/messages/{question_id}/speech", headers=auth(token)
    )
    assert spoken.status_code == 200
    assert spoken.headers["content-type"] == "audio/mpeg"
    assert spoken.content.startswith(MP3_FRAME)
    speech_call = fake_speech.calls_to("/audio/speech")[0]
    assert speech_call.body["input"] == started["first_question"]["content_text"]
    assert speech_call.headers["authorization"] == "Bearer sk-speech-test"

    uploaded = await upload(
        client, token, interview_id, recordings.read("webm"), question_id=question_id
    )
    assert uploaded.status_code == 201, uploaded.text
    draft = uploaded.json()
    assert draft["transcript"] == fake_speech.transcript
    assert draft["question_message_id"] == question_id
    assert 2.5 < draft["duration_seconds"] < 4
    heard = fake_speech.calls_to("/audio/transcriptions")[0]
    assert heard.audio == recordings.read("webm")
    assert heard.audio_type == "audio/webm"
    assert len(audio_files(settings)) == 1

    answered = await confirm(client, token, interview_id, draft["id"], CORRECTED)
    assert answered.status_code == 200, answered.text
    turn = answered.json()
    assert turn["answer"]["content_text"] == CORRECTED
    assert turn["answer"]["metadata"]["input"] == "voice"
    assert turn["answer"]["metadata"]["transcript_edited"] is True
    assert turn["next_question"] is not None
    # Deleted once confirmed (the default), after the commit.
    assert audio_files(settings) == []

    again = await confirm(client, token, interview_id, draft["id"], CORRECTED)
    assert again.status_code == 200
    assert again.json()["answer"]["id"] == turn["answer"]["id"]  # the same turn, replayed


async def test_an_unchanged_transcript_is_recorded_as_not_edited(
    client: AsyncClient, app: Any, recordings: Recordings, fake_speech: FakeSpeech
) -> None:
    token, _, started, _ = await voice_interview(client, app)
    draft = (await upload(client, token, started["id"], recordings.read("ogg"), "audio/ogg")).json()
    answered = await confirm(client, token, started["id"], draft["id"], "  " + draft["transcript"])
    assert answered.status_code == 200, answered.text
    assert answered.json()["answer"]["metadata"]["transcript_edited"] is False
    assert answered.json()["answer"]["content_text"] == fake_speech.transcript


async def test_kept_recordings_are_played_by_the_jobs_recruiter_only(
    client: AsyncClient, app: Any, settings: Settings, recordings: Recordings
) -> None:
    settings.speech_keep_audio_days = 30
    token, recruiter, started, _ = await voice_interview(client, app)
    interview_id = started["id"]
    draft = (await upload(client, token, interview_id, recordings.read("webm"))).json()
    assert (await confirm(client, token, interview_id, draft["id"], CORRECTED)).status_code == 200
    assert len(audio_files(settings)) == 1

    url = f"/api/v1/interviews/{interview_id}/voice-answers/{draft['id']}/audio"
    played = await client.get(url, headers=auth(recruiter))
    assert played.status_code == 200
    assert played.content == recordings.read("webm")
    assert played.headers["content-type"] == "audio/webm"
    stranger = (await register_candidate(client, "Eve Stranger"))["access_token"]
    assert (await client.get(url, headers=auth(stranger))).status_code == 403


async def test_another_candidate_can_neither_record_confirm_nor_hear(
    client: AsyncClient, app: Any, settings: Settings, recordings: Recordings
) -> None:
    token, _, started, question_id = await voice_interview(client, app)
    interview_id = started["id"]
    draft = (await upload(client, token, interview_id, recordings.read("webm"))).json()
    stranger = (await register_candidate(client, "Eve Stranger"))["access_token"]

    assert (
        await upload(client, stranger, interview_id, recordings.read("webm"))
    ).status_code == 403
    assert (await confirm(client, stranger, interview_id, draft["id"], "mine")).status_code == 403
    speech = f"/api/v1/interviews/{interview_id}/messages/{question_id}/speech"
    assert (await client.get(speech, headers=auth(stranger))).status_code == 403
    mode = await client.put(
        f"/api/v1/interviews/{interview_id}/answer-mode",
        json={"answer_mode": "text"},
        headers=auth(stranger),
    )
    assert mode.status_code == 403
    # The candidate's draft is still theirs to confirm.
    assert (await confirm(client, token, interview_id, draft["id"], CORRECTED)).status_code == 200


async def test_the_candidate_can_switch_to_typing_at_any_point(
    client: AsyncClient, app: Any, recordings: Recordings
) -> None:
    token, _, started, question_id = await voice_interview(client, app)
    interview_id = started["id"]
    await upload(client, token, interview_id, recordings.read("webm"))  # a draft, never sent
    switched = await client.put(
        f"/api/v1/interviews/{interview_id}/answer-mode",
        json={"answer_mode": "text"},
        headers=auth(token),
    )
    assert switched.status_code == 200
    assert switched.json()["answer_mode"] == "text"
    typed = await client.post(
        f"/api/v1/interviews/{interview_id}/messages",
        json={"content": CORRECTED, "question_id": question_id},
        headers=auth(token),
    )
    assert typed.status_code == 200, typed.text
    assert "input" not in typed.json()["answer"]["metadata"]


async def test_the_candidate_notice_says_a_speech_server_hears_voice_answers(
    client: AsyncClient, settings: Settings
) -> None:
    notice = (await client.get("/api/v1/consent-notice")).json()
    voice = [s for s in notice["sections"] if s["key"] == "voice"]
    assert voice, notice
    assert "speech server (at 127.0.0.1)" in voice[0]["text"]
    assert "deleted once you confirm its transcript" in voice[0]["text"]


async def test_recordings_count_against_the_answer_rate_limit(
    client: AsyncClient, app: Any, settings: Settings, recordings: Recordings
) -> None:
    settings.answer_limit = 2
    token, _, started, _ = await voice_interview(client, app)
    for _ in range(2):
        assert (
            await upload(client, token, started["id"], recordings.read("webm"))
        ).status_code == 201
    limited = await upload(client, token, started["id"], recordings.read("webm"))
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers


async def test_without_a_speech_server_voice_is_not_offered(
    client: AsyncClient, app: Any, settings: Settings, recordings: Recordings
) -> None:
    settings.speech_provider = "none"
    token, _, started, question_id = await voice_interview(client, app)
    assert started["answer_mode"] == "text"  # asked for voice; typed it is
    detail = await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))
    assert detail.json()["voice_offered"] is False
    refused = await upload(client, token, started["id"], recordings.read("webm"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "voice_not_offered"
    spoken = await client.get(
        f"/api/v1/interviews/{started['id']}/messages/{question_id}/speech", headers=auth(token)
    )
    assert spoken.status_code == 409


async def test_a_text_only_job_offers_no_voice(
    client: AsyncClient, app: Any, recordings: Recordings
) -> None:
    token, _, started, _ = await voice_interview(client, app, voice_allowed=False)
    assert started["answer_mode"] == "text"
    refused = await upload(client, token, started["id"], recordings.read("webm"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "voice_not_allowed"
    mode = await client.put(
        f"/api/v1/interviews/{started['id']}/answer-mode",
        json={"answer_mode": "voice"},
        headers=auth(token),
    )
    assert mode.status_code == 409
