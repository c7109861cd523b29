// Samsyn's only script (the CSP allows no inline script). Everything works without it; it
// - moves focus to a form's error summary so keyboard and screen-reader users hear the errors
//   first;
// - filters long lists of options (a meeting's staff) as the user types in their search field;
// - counts the characters of a long text where people see it (`data-counter`: the limit; the
//   words come translated in `data-counter-text` and `data-counter-over`). The field has no
//   maxlength: the browser must never cut a text, the server refuses an over-long one instead;
// - takes a row of the plan editor off the page at once, with an undo (`data-remove`: the
//   row's id). Without it the remove button redraws the page without the row;
// - asks before leaving a form marked `data-unsaved` with unsaved typing (the language switch,
//   a link), in the browser's own words.
(function () {
  "use strict";

  var unsaved = null; // the form with typing not yet sent

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

  // As the server counts: code points, and a line break as one (it stores "\n").
  function length(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function setUpCounter(area) {
    if (area.dataset.counterReady) {
      return;
    }
    area.dataset.counterReady = "true";
    var limit = parseInt(area.dataset.counter, 10);
    // Seen on every keystroke, heard only when typing pauses (as GOV.UK's character count).
    var seen = document.createElement("p");
    seen.className = "samsyn-counter";
    seen.setAttribute("aria-hidden", "true");
    var heard = document.createElement("p");
    heard.className = "ds-sr-only";
    heard.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", seen);
    seen.insertAdjacentElement("afterend", heard);
    var pause;

    function words() {
      var count = length(area.value);
      var template = count > limit ? area.dataset.counterOver : area.dataset.counterText;
      return template
        .replace("%(count)s", count)
        .replace("%(limit)s", limit)
        .replace("%(over)s", count - limit);
    }

    function show() {
      seen.textContent = words();
      seen.classList.toggle("samsyn-counter-over", length(area.value) > limit);
    }

    area.addEventListener("input", function () {
      show();
      clearTimeout(pause);
      pause = setTimeout(function () {
        heard.textContent = words();
      }, 1000);
    });
    show();
  }

  function setUpCounters(root) {
    if (root.matches && root.matches("textarea[data-counter]")) {
      setUpCounter(root);
    }
    root.querySelectorAll("textarea[data-counter]").forEach(setUpCounter);
  }

  function removeRow(row, button) {
    // Disabled controls are not sent: the save leaves the row out. Undo sends them again.
    var disabled = [];
    row.querySelectorAll("input, select, textarea, button").forEach(function (control) {
      if (!control.disabled) {
        control.disabled = true;
        disabled.push(control);
      }
    });
    row.hidden = true;
    unsaved = row.closest("form[data-unsaved]") || unsaved;
    var status = document.createElement("p");
    status.className = "samsyn-removed";
    var said = document.createElement("span");
    said.id = row.id + "-removed";
    said.textContent = button.dataset.removed;
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "ds-button";
    undo.setAttribute("data-variant", "secondary");
    undo.setAttribute("aria-describedby", said.id);
    undo.textContent = button.dataset.undo;
    undo.addEventListener("click", function () {
      disabled.forEach(function (control) {
        control.disabled = false;
      });
      row.hidden = false;
      status.remove();
      button.focus();
    });
    status.append(said, " ", undo);
    row.insertAdjacentElement("afterend", status);
    undo.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-remove]");
    var row = button && document.getElementById(button.dataset.remove);
    if (row) {
      event.preventDefault();
      removeRow(row, button);
    }
  });

  function typedInto(event) {
    var form = event.target.closest && event.target.closest("form[data-unsaved]");
    if (form) {
      unsaved = form;
    }
  }

  document.addEventListener("input", typedInto);
  document.addEventListener("change", typedInto);
  document.addEventListener("submit", function (event) {
    if (event.target === unsaved) {
      unsaved = null;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    wireSearch(document);
    setUpCounters(document);
  });

  // A row added by htmx gets its counter as the page's rows did.
  document.addEventListener("htmx:load", function (event) {
    setUpCounters(event.detail.elt);
  });

  // A form swapped in by htmx gets the same treatment as a full page load.
  document.addEventListener("htmx:afterSettle", function (event) {
    focusErrorSummary(event.target);
  });
})();
