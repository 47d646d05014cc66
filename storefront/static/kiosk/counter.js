/* Counter page: new pickups appear without touching the page (reload every 20 s while nobody
   is using a control on it). No inline script (CSP). */
(function () {
  "use strict";
  var seconds = parseInt(document.body.dataset.refreshSeconds || "20", 10);
  window.setInterval(function () {
    var active = document.activeElement;
    if (active && active !== document.body && active.closest("form")) return;
    window.location.reload();
  }, seconds * 1000);
})();
