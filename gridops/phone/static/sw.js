/* Service worker of the grid worker's app: keeps the app shell for a bad signal and sends
   the outbox in the background (Background Sync) when the browser supports it.
   Reports themselves never go through a cache: they live in IndexedDB (outbox.js). */
"use strict";
importScripts("assets/outbox.js");

var CACHE = "gridops-shell-v1";
var SHELL = [
  "assets/outbox.js", "assets/app.js", "assets/report.js", "assets/mine.js",
  "../assets/css/app.css", "../assets/js/photos.js", "../assets/js/map.js",
  "../assets/js/categories.js", "../assets/vendor/leaflet/leaflet.js",
  "../assets/vendor/leaflet/leaflet.css", "../assets/icons/icon-192.png"
];

/* The report form itself is kept too, so a closed page opens again without a signal;
   only a real page is kept, never the login page a signed-out phone is sent to. */
function keepForm(cache) {
  var form = new URL("./", self.location).href;
  return fetch(form, { credentials: "same-origin" }).then(function (response) {
    return response.ok && !response.redirected ? cache.put(form, response) : null;
  }).catch(function () { return null; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL).then(function () { return keepForm(cache); });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function isAsset(url) {
  return url.pathname.indexOf("/assets/") >= 0;
}

/* Pages and grid outlines: the network first, the last good copy when there is none;
   a page never seen offline falls back to the report form. */
function networkFirst(request, fallback) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    // Pages vary by cookie; offline, the worker's own last copy is the right one.
    return caches.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit || !fallback) { return hit || Response.error(); }
      return caches.match(fallback, { ignoreVary: true }).then(function (page) {
        return page || Response.error();
      });
    });
  });
}

/* Static files: the cached copy at once, refreshed in the background. */
function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    var fresh = fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
    return hit || fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (isAsset(url)) { event.respondWith(cacheFirst(request)); return; }
  if (request.mode === "navigate" && url.pathname.indexOf(new URL("./", self.location).pathname) === 0) {
    event.respondWith(networkFirst(request, new URL("./", self.location).href));
    return;
  }
  if (url.pathname.slice(-"/api/v1/grids".length) === "/api/v1/grids") {
    event.respondWith(networkFirst(request, null));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "gridops-outbox") { event.waitUntil(self.GridOutbox.sendNow()); }
});
