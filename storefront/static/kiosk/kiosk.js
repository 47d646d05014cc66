/* Kiosk screens: idle reset, navigation that never grows history, the on-screen keyboard,
   the attract slideshow, the service worker and the "ordering unavailable" notice.
   No inline script anywhere (CSP): everything reads data-* attributes. */
(function () {
  "use strict";
  var body = document.body;
  var data = body.dataset;
  var idleMs = (parseInt(data.idleSeconds, 10) || 90) * 1000;
  var banner = document.querySelector(".k-offline");
  var idleTimer = null;

  function go(url) {
    window.location.replace(url);
  }

  /* --- ordering available or not ------------------------------------------------------ */
  function showOffline() {
    body.classList.add("is-offline");
    if (banner) banner.hidden = false;
    document.querySelectorAll(".k-order-action").forEach(function (button) {
      button.disabled = true;
    });
  }
  function showOnline() {
    body.classList.remove("is-offline");
    if (banner) banner.hidden = true;
    document.querySelectorAll(".k-order-action").forEach(function (button) {
      button.disabled = false;
    });
  }
  function checkAlive() {
    return fetch(data.aliveUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 204) showOnline(); else showOffline();
      })
      .catch(showOffline);
  }

  /* --- idle reset ----------------------------------------------------------------------- */
  function resetNow() {
    try { window.sessionStorage.clear(); } catch (error) { /* storage disabled */ }
    fetch(data.aliveUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { go(response.status === 204 ? data.resetUrl : data.attractUrl); })
      .catch(function () { go(data.attractUrl); });
  }
  function armIdle() {
    if (data.idleSkip) return;
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(resetNow, idleMs);
  }
  ["pointerdown", "touchstart", "keydown", "wheel", "scroll"].forEach(function (name) {
    document.addEventListener(name, armIdle, { passive: true, capture: true });
  });

  /* --- navigation: stay inside /kiosk/, replace instead of push ------------------------- */
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented) return;
    event.preventDefault();
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.indexOf("/kiosk/") !== 0) return;
    go(url.href);
  });
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    var formData = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) formData.append(submitter.name, submitter.value);
    if ((form.getAttribute("method") || "get").toLowerCase() === "get") {
      var url = new URL(form.action, window.location.href);
      url.search = new URLSearchParams(formData).toString();
      go(url.href);
      return;
    }
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    fetch(form.action, { method: "POST", body: formData, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        go(response.url);
      })
      .catch(function () {
        delete form.dataset.busy;
        showOffline();
      });
  });

  /* --- on-screen keyboard --------------------------------------------------------------- */
  document.querySelectorAll(".k-keyboard").forEach(function (keyboard) {
    var input = document.getElementById(keyboard.dataset.target);
    keyboard.addEventListener("click", function (event) {
      var key = event.target.closest("button");
      if (!key || !input || key.type === "submit") return;
      if (key.dataset.action === "back") input.value = input.value.slice(0, -1);
      else if (key.dataset.action === "clear") input.value = "";
      else if (key.dataset.key !== undefined && input.value.length < 60) input.value += key.dataset.key;
    });
  });

  /* --- attract slideshow ---------------------------------------------------------------- */
  var slides = document.querySelectorAll(".k-slide");
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (slides.length > 1 && !still) {
    var current = 0;
    window.setInterval(function () {
      slides[current].classList.remove("is-current");
      current = (current + 1) % slides.length;
      slides[current].classList.add("is-current");
    }, 5000);
  }

  /* --- service worker: the catalog survives a short outage ------------------------------ */
  if ("serviceWorker" in navigator && data.swUrl) {
    navigator.serviceWorker.register(data.swUrl, { scope: "/kiosk/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      // Keep the "please ask staff" page at hand for screens never visited before an outage.
      if (data.offlineUrl) fetch(data.offlineUrl, { credentials: "same-origin" }).catch(function () {});
    }).catch(function () { /* not available: the kiosk still works online */ });
  }

  window.addEventListener("offline", showOffline);
  window.addEventListener("online", checkAlive);
  window.setInterval(checkAlive, 15000);
  checkAlive();
  armIdle();
})();
