// Progressive enhancement of the interview page. Without JavaScript the same form posts
// normally and the page reloads; with it:
// - the sent answer appears at once, and the interviewer "types" while it works: the next
//   question streams in word by word (server-sent events) and is announced when complete;
// - Enter sends, Shift+Enter starts a new line;
// - the draft is kept on this device per question, so a reload or an expired session
//   (sign in again, come back) never loses typed work.
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form || !window.fetch || !window.FormData) return;
  var textarea = document.getElementById("answer");
  var transcript = document.getElementById("transcript");
  var announcer = document.getElementById("announcer");
  var errorBox = document.getElementById("answer-error");
  var label = document.getElementById("answer-label");
  var button = document.getElementById("send-answer");
  var keyInput = form.querySelector('input[name="idempotency_key"]');
  var questionInput = form.querySelector('input[name="question_id"]');
  var voiceInput = form.querySelector('input[name="voice_answer_id"]');
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var canStream = !!(window.ReadableStream && window.TextDecoder);
  var sending = false;

  // -- drafts ----------------------------------------------------------------------------
  function draftKey() {
    var current = document.getElementById("current-question");
    var question = current ? (current.getAttribute("data-message-id") || "") : "";
    return "hireloop-draft:" + location.pathname + ":" + question;
  }
  function saveDraft() {
    try {
      if (textarea.value.trim()) localStorage.setItem(draftKey(), textarea.value);
      else localStorage.removeItem(draftKey());
    } catch (e) { /* storage may be off: drafts are a convenience */ }
  }
  function clearDraft() { try { localStorage.removeItem(draftKey()); } catch (e) {} }
  try {
    var saved = localStorage.getItem(draftKey());
    if (saved && !textarea.value) {
      textarea.value = saved;
      announcer.textContent = "Your unsent answer was restored.";
    }
  } catch (e) {}
  textarea.addEventListener("input", saveDraft);

  // -- phones: the current question first ----------------------------------------------
  // The progress card follows the conversation on narrow screens (app.css); a long
  // conversation still starts at its first message, so open at the current question.
  var opening = document.getElementById("current-question");
  if (opening && opening.previousElementSibling && window.matchMedia
      && window.matchMedia("(max-width: 760px)").matches) {
    opening.scrollIntoView({ block: "start" });
  }

  // -- the clock -------------------------------------------------------------------------
  // Counts down from the server's figure (not this device's clock, which may be wrong);
  // warns once, aloud, when little time is left and again when it is up.
  var clock = document.getElementById("clock");
  if (clock) {
    var clockLabel = document.getElementById("clock-label");
    var clockTime = document.getElementById("clock-time");
    var secondsLeft = Number(clock.getAttribute("data-seconds-left"));
    var warnBelow = Number(clock.getAttribute("data-warning-seconds"));
    var endsAt = Date.now() + secondsLeft * 1000;
    var warned = secondsLeft <= warnBelow;
    var over = secondsLeft <= 0;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      if (left === 0) {
        clockLabel.textContent = "Time is up: your next answer is the last one.";
        clockTime.hidden = true;
        clock.classList.add("clock-warning");
        if (!over) announcer.textContent = clockLabel.textContent;
        return;
      }
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      clockTime.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (!warned && left <= warnBelow) {
        warned = true;
        clock.classList.add("clock-warning");
        announcer.textContent = Math.ceil(left / 60) + " minutes left. "
          + "When time is up, the answer you are writing is the last one.";
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }

  // -- keyboard ----------------------------------------------------------------------------
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  // -- rendering -------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function humanize(value) {
    var text = String(value || "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  function addMessage(kind, speaker, text, meta) {
    var item = document.createElement("li");
    item.className = "msg msg-" + kind;
    var who = document.createElement("span");
    who.className = "speaker";
    who.textContent = speaker;
    item.appendChild(who);
    var info = document.createElement("span");
    info.className = "meta";
    info.textContent = meta || "";
    item.appendChild(info);
    var body = document.createElement("p");
    body.className = "text";
    body.textContent = text;  // textContent: answers and questions are never parsed as HTML
    item.appendChild(body);
    transcript.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }
  function typing() {
    var item = addMessage("question typing", "Interviewer", "", "");
    var dots = document.createElement("span");
    dots.className = "typing-dots";
    dots.setAttribute("aria-label", "The interviewer is writing");
    dots.innerHTML = "<span></span><span></span><span></span>";
    item.querySelector(".text").appendChild(dots);
    return item;
  }
  function fillList(id, items, emptyText) {
    var list = document.getElementById(id);
    if (!list) return;
    list.textContent = "";
    if (!items.length) items = [null];
    items.forEach(function (name) {
      var li = document.createElement("li");
      if (name === null) { li.className = "muted none"; li.textContent = emptyText; } else { li.textContent = name; }
      list.appendChild(li);
    });
  }
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    textarea.setAttribute("aria-invalid", "true");
    textarea.focus();
  }
  function updateProgress(progress) {
    document.getElementById("q-number").textContent = progress.question_number;
    document.getElementById("q-max").textContent = progress.max_questions;
    var bar = document.getElementById("q-progress");
    bar.max = progress.max_questions;
    bar.value = progress.question_number;
    document.getElementById("difficulty").textContent = humanize(progress.difficulty);
    fillList("skills-done", progress.skills_done, "None covered yet");
    fillList("skills-pending", progress.skills_pending, "None left to cover");
    var now = document.getElementById("skill-current");
    if (now) now.textContent = progress.skill_current || "—";
    label.textContent = "Your answer to question " + progress.question_number;
  }

  // -- one turn ----------------------------------------------------------------------------
  function finish(data, sent, pending) {
    sent.classList.remove("pending");
    sent.querySelector(".text").textContent = data.answer.text;
    var previous = document.getElementById("current-question");
    if (previous) previous.removeAttribute("id");
    clearDraft();
    keyInput.value = newKey();
    errorBox.hidden = true;
    textarea.removeAttribute("aria-invalid");
    updateProgress(data.progress);
    if (data.complete) {
      if (pending) pending.remove();
      announcer.textContent = "The interview is complete. Opening your results.";
      window.location.assign(data.results_url);
      return;
    }
    var q = data.next_question;
    var item = pending || addMessage("question", "Interviewer", "", "");
    item.className = "msg msg-question";
    item.querySelector(".text").textContent = q.text;
    item.querySelector(".meta").textContent = q.skill_name + " · " + humanize(q.difficulty);
    item.id = "current-question";
    item.setAttribute("data-message-id", q.id);
    questionInput.value = q.id;
    if (voiceInput) voiceInput.value = "";
    document.dispatchEvent(new CustomEvent("hireloop:question", { detail: q }));
    announcer.textContent = "Question " + data.progress.question_number + ": " + q.text;
    textarea.focus();
  }
  function undo(sent, pending, text, message) {
    sent.remove();
    if (pending) pending.remove();
    if (!textarea.value) textarea.value = text;  // the answer goes back into the box
    saveDraft();
    showError(message);
  }
  function refused(data, sent, pending, text) {
    if (data.code === "question_not_current") {
      // Another tab (or a resent form) answered this question: show the current one,
      // keeping this answer as the draft of the question it was written for.
      saveDraftFor(text);
      undo(sent, pending, text, "This question was already answered, perhaps in another tab. Loading the current question…");
      window.setTimeout(function () { window.location.reload(); }, 1500);
      return;
    }
    undo(sent, pending, text, data.detail);
  }
  function signInAgain() {
    window.location.assign("/login?expired=1&next=" + encodeURIComponent(location.pathname));
  }

  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        var frames = buffer.split("\n\n");
        buffer = frames.pop();
        frames.forEach(function (frame) {
          var name = "", data = "";
          frame.split("\n").forEach(function (line) {
            if (line.indexOf("event: ") === 0) name = line.slice(7);
            else if (line.indexOf("data: ") === 0) data += line.slice(6);
          });
          if (name) onEvent(name, data ? JSON.parse(data) : {});
        });
        return pump();
      });
    }
    return pump();
  }

  function send(text, sent, pending) {
    var body = new FormData(form);
    // A transcript from voice.js is confirmed as that recording's answer (JSON reply).
    var spoken = voiceInput && voiceInput.value;
    var url = spoken ? form.action.replace(/\/answer$/, "/voice-answers/" + spoken + "/confirm") : form.action;
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {
        "X-Requested-With": "fetch",
        "X-CSRF-Token": csrf,
        "Accept": canStream && !spoken ? "text/event-stream" : "application/json"
      }
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (response.redirected || type.indexOf("text/html") === 0) {
        saveDraftFor(text);
        signInAgain();
        return;
      }
      if (response.status === 409 || response.status === 422 || response.status === 429) {
        return response.json().then(function (data) { refused(data, sent, pending, text); });
      }
      if (!response.ok) { undo(sent, pending, text, "Your answer could not be sent. Please try again."); return; }
      if (type.indexOf("text/event-stream") !== 0) {
        return response.json().then(function (data) { finish(data, sent, pending); });
      }
      var shown = "";
      var paragraph = pending.querySelector(".text");
      return readEvents(response, function (name, data) {
        if (name === "question.delta") {
          if (!shown) paragraph.textContent = "";
          shown += data.text;
          paragraph.textContent = shown;
        } else if (name === "question.reset") {
          shown = "";
          paragraph.textContent = "";
        } else if (name === "turn") {
          finish(data, sent, pending);
        } else if (name === "error") {
          refused(data, sent, pending, text);
        }
      });
    });
  }
  function saveDraftFor(text) {
    try { localStorage.setItem(draftKey(), text); } catch (e) {}
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) return;
    var text = textarea.value.trim();
    if (!text) {
      showError("Write an answer (up to 5000 characters) before sending.");
      return;
    }
    sending = true;
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    var sent = addMessage("answer pending", "You", text, "Sending…");
    var pending = typing();
    send(text, sent, pending).catch(function () {
      undo(sent, pending, text, "The connection dropped before your answer was saved. It is back in the box: send it again.");
    }).then(function () {
      sending = false;
      button.disabled = false;
      form.removeAttribute("aria-busy");
      if (!sent.classList.contains("pending")) {
        var meta = sent.querySelector(".meta");
        if (meta) meta.textContent = "";
      }
    });
    textarea.value = "";
  });
})();
