// Asks before a step that cannot be undone (finishing an interview early, withdrawing an
// application, a final offer or rejection). A form, or one of its buttons, carries the
// question in data-confirm-title, the consequence in data-confirm and the button's words
// in data-confirm-action; submitting it opens a modal dialog that says so, with Cancel
// focused. Confirming sends the form as the chosen button would have; Cancel or Escape
// returns to that button. Without JavaScript the form posts without confirmed=1 and the
// server asks the same question on a page of its own (web/confirmation.py).
(function () {
  "use strict";
  if (typeof HTMLDialogElement !== "function") return;
  var dialog = null;
  var pending = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.setAttribute("aria-describedby", "confirm-message");
    dialog.innerHTML =
      '<h2 id="confirm-title"></h2><p id="confirm-message"></p>' +
      '<div class="actions"><button type="button" class="button" id="confirm-yes"></button>' +
      '<button type="button" class="button secondary" id="confirm-no">Cancel</button></div>';
    document.body.appendChild(dialog);
    dialog.querySelector("#confirm-yes").addEventListener("click", function () {
      var chosen = pending;
      dialog.close("yes");
      if (!chosen) return;
      chosen.form.setAttribute("data-confirmed", "yes");
      // Tells the server the question was asked and answered here, so it acts at once.
      var confirmed = chosen.form.querySelector('input[name="confirmed"]');
      if (!confirmed) {
        confirmed = document.createElement("input");
        confirmed.type = "hidden";
        confirmed.name = "confirmed";
        chosen.form.appendChild(confirmed);
      }
      confirmed.value = "1";
      if (typeof chosen.form.requestSubmit === "function") {
        chosen.form.requestSubmit(chosen.button || undefined);
      } else {
        if (chosen.button && chosen.button.name) {
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = chosen.button.name;
          field.value = chosen.button.value;
          chosen.form.appendChild(field);
        }
        chosen.form.submit();
      }
    });
    dialog.querySelector("#confirm-no").addEventListener("click", function () {
      dialog.close("no");
    });
    dialog.addEventListener("close", function () {
      var chosen = pending;
      pending = null;
      if (dialog.returnValue !== "yes" && chosen) {
        (chosen.button || chosen.form.querySelector("button")).focus();
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || null;
    var source = button && button.hasAttribute("data-confirm") ? button
      : form.hasAttribute("data-confirm") ? form : null;
    if (!source) return;
    if (form.getAttribute("data-confirmed") === "yes") {
      form.removeAttribute("data-confirmed");
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!dialog) build();
    pending = { form: form, button: button };
    dialog.returnValue = "";
    dialog.querySelector("#confirm-title").textContent =
      source.getAttribute("data-confirm-title") || "Are you sure?";
    dialog.querySelector("#confirm-message").textContent = source.getAttribute("data-confirm");
    dialog.querySelector("#confirm-yes").textContent =
      source.getAttribute("data-confirm-action") || "Confirm";
    dialog.showModal();
    dialog.querySelector("#confirm-no").focus();
  }, true);
})();
