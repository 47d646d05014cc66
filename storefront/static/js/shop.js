// Small progressive enhancements for every page; the pages work without this file.
// No inline handlers anywhere (CSP): behaviour is declared with data- attributes.
(function () {
  "use strict";

  // Filter panels (<details data-open-wide>) start open on a wide screen, closed on a phone.
  var wide = window.matchMedia("(min-width: 760px)");
  document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
    if (wide.matches) panel.open = true;
  });

  // Buttons only needed without JavaScript (e.g. "Show shipping" next to an auto-submitting list).
  document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });

  // Steppers: <button data-step="-1|1" data-target="id"> change a number input, then submit.
  document.querySelectorAll("button[data-step]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var input = document.getElementById(button.dataset.target);
      if (!input) return;
      event.preventDefault();
      var min = input.min === "" ? 0 : Number(input.min);
      var max = input.max === "" ? 99 : Number(input.max);
      var next = Math.min(max, Math.max(min, (Number(input.value) || 0) + Number(button.dataset.step)));
      input.value = String(next);
      if (input.form) input.form.requestSubmit ? input.form.requestSubmit() : input.form.submit();
    });
  });

  // Gallery thumbnails scroll their photo into view sideways, without jumping the page.
  document.querySelectorAll("a[data-gallery-thumb]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var slide = document.getElementById(link.getAttribute("href").slice(1));
      if (!slide) return;
      event.preventDefault();
      slide.parentElement.scrollTo({left: slide.offsetLeft - slide.parentElement.offsetLeft, behavior: "smooth"});
      document.querySelectorAll("a[data-gallery-thumb]").forEach(function (other) {
        other.classList.toggle("is-current", other === link);
      });
    });
  });

  // Price inputs show thousands separators while typing ("1.250.000"); the server parses them back.
  document.querySelectorAll("input[data-thousands]").forEach(function (input) {
    var separator = input.dataset.thousands;
    var format = function () {
      var digits = input.value.replace(/\D/g, "").replace(/^0+(?=\d)/, "");
      input.value = digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
    };
    input.addEventListener("input", function () {
      if (input.selectionStart === input.value.length) format();  // never move a caret mid-text
    });
    input.addEventListener("blur", format);
    format();
  });

  // Destructive actions ask first: <form data-confirm="question"> or <button data-confirm=...>.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
})();
