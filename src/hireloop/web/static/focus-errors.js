// After a rejected form submission, move keyboard focus to the first field with an error.
(function () {
  "use strict";
  var invalid = document.querySelector('[aria-invalid="true"]');
  var summary = document.getElementById("form-errors");
  (invalid || summary || document.body).focus();
})();
