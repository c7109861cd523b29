// Samsyn's only script (the CSP allows no inline script). Everything works without it; it moves
// focus to a form's error summary so keyboard and screen-reader users hear the errors first, and
// filters long lists of options (a meeting's staff) as the user types in their search field.
(function () {
  "use strict";

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function matches(text, words) {
    var lower = text.toLocaleLowerCase("sv");
    return words.every(function (word) {
      return lower.indexOf(word) !== -1;
    });
  }

  // Options stay in the form when hidden, so a ticked person is still invited after a search.
  function wireSearch(root) {
    root.querySelectorAll("[data-search-for]").forEach(function (box) {
      var input = box.querySelector("input");
      var options = document.getElementById(box.getAttribute("data-search-for") + "_options");
      box.hidden = false;
      input.addEventListener("input", function () {
        var words = input.value.toLocaleLowerCase("sv").split(/\s+/).filter(Boolean);
        options.querySelectorAll(".ds-field").forEach(function (option) {
          var group = option.closest(".samsyn-choice-group");
          var legend = group ? group.querySelector("legend").textContent : "";
          option.hidden = !matches(legend + " " + option.textContent, words);
        });
        options.querySelectorAll(".samsyn-choice-group").forEach(function (group) {
          group.hidden = !group.querySelector(".ds-field:not([hidden])");
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    wireSearch(document);
  });

  // A form swapped in by htmx gets the same treatment as a full page load.
  document.addEventListener("htmx:afterSettle", function (event) {
    focusErrorSummary(event.target);
  });
})();
