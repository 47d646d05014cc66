// Small behaviours switched on by data- attributes, so that no page needs an inline script or an
// on…= handler (the Content-Security-Policy forbids both). Every one is an enhancement: the page
// works without JavaScript.
(function () {
  "use strict";
  // <select data-autosubmit>: submit its form when the choice changes.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.submit(); }
    });
  });
  // <button data-print>: print the page.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
