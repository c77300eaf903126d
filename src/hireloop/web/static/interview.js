// Progressive enhancement of the interview page: answers are sent without a page reload
// and each new question is announced to screen readers through the aria-live region.
// Without JavaScript the same form posts normally and the page reloads.
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
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

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
    if (meta) {
      var info = document.createElement("span");
      info.className = "meta";
      info.textContent = meta;
      item.appendChild(info);
    }
    var body = document.createElement("p");
    body.className = "text";
    body.textContent = text;  // textContent: answers and questions are never parsed as HTML
    item.appendChild(body);
    transcript.appendChild(item);
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
    fillList("skills-done", progress.skills_done, "None yet");
    fillList("skills-pending", progress.skills_pending, "Nothing");
    label.textContent = "Your answer to question " + progress.question_number;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!textarea.value.trim()) {
      showError("Write an answer (up to 5000 characters) before sending.");
      return;
    }
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 422) {
        return response.json().then(function (data) { showError(data.detail); });
      }
      if (!response.ok) { form.submit(); return; }  // let the server render what went wrong
      return response.json().then(function (data) {
        var previous = document.getElementById("current-question");
        if (previous) previous.removeAttribute("id");
        addMessage("answer", "You", data.answer.text, null);
        textarea.value = "";
        textarea.removeAttribute("aria-invalid");
        errorBox.hidden = true;
        keyInput.value = newKey();
        updateProgress(data.progress);
        if (data.complete) {
          announcer.textContent = "The interview is complete. Opening your results.";
          window.location.assign(data.results_url);
          return;
        }
        var q = data.next_question;
        var item = addMessage("question", "Interviewer", q.text, q.skill_name + " · " + humanize(q.difficulty));
        item.id = "current-question";
        announcer.textContent = "Question " + data.progress.question_number + ": " + q.text;
        textarea.focus();
      });
    }).catch(function () {
      form.submit();
    }).then(function () {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    });
  });
})();
