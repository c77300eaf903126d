"""A recording's length is learnt from its bytes in every container clients send, above all
the live WebM a browser's MediaRecorder writes (no Duration element, open-ended Segment
and Clusters): one under the limit is taken with its length, one over it is refused
through the API with a plain 413, and the interview loses nothing."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.config import Settings
from tests.voice.conftest import Formats
from tests.voice.fake_speech import FakeSpeech
from tests.voice.helpers import nothing_lost, upload, voice_interview
from tests.voice.recordings import (
    CLUSTER,
    DURATION,
    FORMATS,
    SEGMENT,
    TIMECODE_SCALE,
    Recordings,
    ebml_outline,
)

# What a container adds around the speech: an encoder's priming and padding (AAC, MP3),
# or the last block's own length, which a block's start time leaves out (WebM).
CLOSE = 0.15


def test_the_browser_webm_is_written_as_media_recorder_writes_it(
    formats: Formats, recordings: Recordings
) -> None:
    for live in (formats.short("webm-media-recorder"), recordings.read("webm")):
        outline = ebml_outline(live)
        ids = [element.id for element in outline]
        assert TIMECODE_SCALE in ids and DURATION not in ids
        assert [e.size for e in outline if e.id == SEGMENT] == [None]
        clusters = [element for element in outline if element.id == CLUSTER]
        assert len(clusters) > 1
        assert all(element.size is None for element in clusters)
    # Written to a file, ffmpeg goes back to fill in the Duration: the other WebM path.
    assert DURATION in [element.id for element in ebml_outline(formats.short("webm-file"))]


@pytest.mark.parametrize("name", sorted(FORMATS))
async def test_a_recording_is_measured_in_each_container(
    name: str,
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_speech: FakeSpeech,
    formats: Formats,
) -> None:
    settings.speech_max_seconds = 5
    token, _, started, qid = await voice_interview(client, app)
    data = formats.short(name)
    accepted = await upload(client, token, started["id"], data, FORMATS[name][0], qid)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["duration_seconds"] == pytest.approx(formats.short_seconds, abs=CLOSE)
    assert fake_speech.calls_to("/audio/transcriptions")[0].audio == data


@pytest.mark.parametrize("name", sorted(FORMATS))
async def test_a_recording_over_the_limit_is_refused_in_each_container(
    name: str,
    client: AsyncClient,
    app: Any,
    settings: Settings,
    fake_speech: FakeSpeech,
    formats: Formats,
) -> None:
    settings.speech_max_seconds = 5
    assert formats.long_seconds > 9
    token, _, started, qid = await voice_interview(client, app)
    data = formats.long(name)
    refused = await upload(client, token, started["id"], data, FORMATS[name][0], qid)
    assert refused.status_code == 413, refused.text
    assert refused.json()["code"] == "audio_too_long"
    assert "longer than 5 seconds" in refused.json()["detail"]
    assert "type it instead" in refused.json()["detail"]
    assert fake_speech.calls_to("/audio/transcriptions") == []
    await nothing_lost(client, app, settings, token, started["id"], qid)
