// Samsyn's only script (the CSP allows no inline script). Everything works without it; it only
// moves focus to a form's error summary so keyboard and screen-reader users hear the errors first.
(function () {
  "use strict";

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // A form swapped in by htmx gets the same treatment as a full page load.
  document.addEventListener("htmx:afterSettle", function (event) {
    focusErrorSummary(event.target);
  });
})();
