// Voice answers on the interview page (loaded only when the interview is taken by voice).
// Each question is spoken as it streams in (replay repeats it) while its text stays on
// the page. Holding "Hold to talk" (mouse, touch, or Space/Enter) records with the
// browser's MediaRecorder; the level meter and elapsed time show it is listening. On
// release the recording is uploaded and its transcript lands in the answer box, to be
// corrected and sent with the page's usual Send button. "Type instead" switches to typing.
(function () {
  "use strict";
  var panel = document.getElementById("voice-panel");
  var form = document.getElementById("answer-form");
  if (!panel || !form || !window.fetch || !window.FormData) return;
  var base = panel.getAttribute("data-base");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var textarea = document.getElementById("answer");
  var voiceInput = form.querySelector('input[name="voice_answer_id"]');
  var questionInput = form.querySelector('input[name="question_id"]');
  var errorBox = document.getElementById("answer-error");
  var audio = document.getElementById("question-audio");
  var replay = document.getElementById("replay-question");
  var record = document.getElementById("record-answer");
  var meter = document.getElementById("voice-level");
  var elapsed = document.getElementById("voice-elapsed");
  var status = document.getElementById("voice-status");
  var typeForm = document.getElementById("type-instead");
  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);

  function say(message) { status.textContent = message; }
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    textarea.setAttribute("aria-invalid", "true");
  }
  function clearError() {
    errorBox.hidden = true;
    textarea.removeAttribute("aria-invalid");
  }

  // -- the question, spoken -----------------------------------------------------------
  function speak(questionId) {
    if (!questionId) return;
    audio.src = base + "/questions/" + questionId + "/speech";
    var playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(function () { say("Press “Replay question” to hear the question."); });
    }
  }
  audio.addEventListener("error", function () {
    say("The question could not be played: read it above, or press Replay to try again.");
  });
  replay.addEventListener("click", function () {
    var url = base + "/questions/" + questionInput.value + "/speech";
    if (audio.src && audio.src.slice(-url.length) === url && !audio.error) {
      audio.pause();  // the spoken question is already here: play it again from the start
      audio.currentTime = 0;
      var again = audio.play();
      if (again && again.catch) again.catch(function () { say("The question could not be played: read it above."); });
    } else {
      speak(questionInput.value);
    }
  });
  document.addEventListener("hireloop:question", function (event) { speak(event.detail.id); });

  // -- recording (push to talk) -------------------------------------------------------
  var stream = null, recorder = null, chunks = [], startedAt = 0, timer = null;
  var context = null, analyser = null, held = false, uploading = false;

  function mimeType() {
    var types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return "";
  }
  function showLevel() {
    if (!analyser) return;
    var samples = new Uint8Array(analyser.fftSize);
    analyser.getByteTimeDomainData(samples);
    var sum = 0;
    for (var i = 0; i < samples.length; i++) {
      var v = (samples[i] - 128) / 128;
      sum += v * v;
    }
    meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
  }
  function tick() {
    var seconds = Math.floor((Date.now() - startedAt) / 1000);
    elapsed.textContent = Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
    showLevel();
  }
  function begin() {
    if (recorder || uploading) return;
    held = true;
    clearError();
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (granted) {
      stream = granted;
      var type = mimeType();
      recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      chunks = [];
      recorder.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) chunks.push(e.data); });
      recorder.addEventListener("stop", upload);
      try {
        context = new (window.AudioContext || window.webkitAudioContext)();
        analyser = context.createAnalyser();
        analyser.fftSize = 1024;
        context.createMediaStreamSource(stream).connect(analyser);
      } catch (e) { analyser = null; }
      recorder.start(250);
      startedAt = Date.now();
      timer = window.setInterval(tick, 100);
      record.setAttribute("aria-pressed", "true");
      record.textContent = "Recording… release to stop";
      say("Recording. Release the button when you have finished.");
      if (!held) end();  // released before the microphone opened
    }).catch(function () {
      held = false;
      showError("The microphone is not available. Allow it in the browser, or type your answer instead.");
    });
  }
  function end() {
    held = false;
    if (!recorder || recorder.state !== "recording") return;
    recorder.stop();
    window.clearInterval(timer);
    stream.getTracks().forEach(function (track) { track.stop(); });
    if (context) context.close();
    context = analyser = null;
    meter.value = 0;
    record.setAttribute("aria-pressed", "false");
    record.textContent = "Hold to talk";
  }
  function upload() {
    var type = (recorder && recorder.mimeType) || "audio/webm";
    var blob = new Blob(chunks, { type: type.split(";")[0] });
    recorder = null;
    uploading = true;
    record.disabled = true;
    say("Transcribing your answer…");
    var body = new FormData();
    body.append("audio", blob, "answer." + (type.indexOf("ogg") >= 0 ? "ogg" : type.indexOf("mp4") >= 0 ? "m4a" : "webm"));
    body.append("question_id", questionInput.value);
    fetch(base + "/voice-answers", {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) {
        showError(result.data.detail || "The recording could not be transcribed. Record it again, or type your answer.");
        say("Nothing was sent. Record your answer again, or type it.");
        return;
      }
      textarea.value = result.data.transcript;
      voiceInput.value = result.data.id;
      say("Check the transcript in the answer box, correct it if needed, then send it.");
      textarea.focus();
    }).catch(function () {
      showError("The connection dropped while uploading. Record your answer again, or type it.");
    }).then(function () {
      uploading = false;
      record.disabled = false;
    });
  }

  if (!canRecord) {
    record.disabled = true;
    say("This browser cannot record here: type your answer instead.");
  } else {
    record.addEventListener("pointerdown", function (e) { e.preventDefault(); begin(); });
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (name) {
      record.addEventListener(name, function () { if (held || recorder) end(); });
    });
    record.addEventListener("keydown", function (e) {
      if ((e.key === " " || e.key === "Enter") && !e.repeat) { e.preventDefault(); begin(); }
    });
    record.addEventListener("keyup", function (e) {
      if (e.key === " " || e.key === "Enter") { e.preventDefault(); end(); }
    });
  }
  // Typing edits the transcript; it stays a spoken answer until "Type instead".
  typeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    end();
    fetch(typeForm.action, {
      method: "POST",
      body: new FormData(typeForm),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf }
    }).then(function () {
      voiceInput.value = "";
      audio.pause();
      panel.hidden = true;
      var back = document.getElementById("voice-again");
      if (back) back.hidden = false;
      say("");
      textarea.focus();
    });
  });
  speak(questionInput.value);
})();
