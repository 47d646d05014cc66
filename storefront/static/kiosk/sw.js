/* Kiosk service worker (scope /kiosk/): catalog screens network-first with a cached copy for
   outages, images and static files cache-first; personal screens (basket, pickup), the reset and
   the liveness check always go to the server. */
"use strict";

var CACHE = "kiosk-v1";
var NETWORK_ONLY = /\/(alive|reset|basket|pickup|counter|admin)(\/|$)|\/order$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("kiosk-") === 0 && key !== CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function withoutChoice(url) {
  var copy = new URL(url);
  copy.searchParams.delete("chose");
  return copy.href;
}

function offlinePage(url) {
  var parts = url.pathname.split("/"); // ["", "kiosk", point, lang, ...]
  if (parts.length < 4) return Promise.resolve(undefined);
  return caches.match("/kiosk/" + parts[2] + "/" + parts[3] + "/offline");
}

function fromCache(request, url) {
  return caches.match(request).then(function (hit) {
    return hit || caches.match(withoutChoice(request.url));
  }).then(function (hit) {
    return hit || (request.mode === "navigate" ? offlinePage(url) : undefined);
  }).then(function (hit) {
    return hit || Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var isKioskPage = url.pathname.indexOf("/kiosk/") === 0;
  if (isKioskPage && NETWORK_ONLY.test(url.pathname)) {
    if (request.mode === "navigate") {
      event.respondWith(fetch(request).catch(function () { return fromCache(request, url); }));
    }
    return;
  }
  if (isKioskPage) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && response.type === "basic" && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () { return fromCache(request, url); })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/media/") === 0) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        var fresh = fetch(request).then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        }).catch(function () { return hit || Response.error(); });
        return hit || fresh;
      })
    );
  }
});
