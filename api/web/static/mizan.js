// After a form is sent, the page shows what came of it: the error summary, or the confirmation, is brought
// into view and focused (so a screen reader reads it too), whether the page came by a full load or by an
// htmx-boosted swap.
(function () {
  "use strict";

  function showOutcome() {
    var target = document.getElementById("form-errors") || document.getElementById("done") ||
      document.getElementById("restored");
    if (!target) {
      return false;
    }
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.scrollIntoView({block: "start"});
    target.focus({preventScroll: true});
    return true;
  }

  // an error summary's link moves to its field and focuses it (the browser only scrolls to it)
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#form-errors a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      var details = field.closest("details");
      if (details) {
        details.open = true;
      }
      field.scrollIntoView({block: "center"});
      field.focus();
    }
  });

  // a print button (the case file, the hearing list): the print stylesheet does the rest
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showOutcome);
  } else {
    showOutcome();
  }
  // a boosted page swaps the body in place and keeps the scroll position (scrollIntoViewOnBoost is off, so
  // that htmx's own scroll to the top cannot come after this): the outcome, or else the page's top
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    if ((detail.boosted || detail.target === document.body) && !showOutcome() && !window.location.hash) {
      window.scrollTo(0, 0);
    }
  });
})();
