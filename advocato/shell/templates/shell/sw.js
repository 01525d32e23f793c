// Advocato's service worker (advocato/shell/app.py says what it does and why).
"use strict";
var CONFIG = {{ config|safe }};
var SHELL = "advocato-shell-" + CONFIG.version;
var PAGES = "advocato-pages";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL)
      .then(function (cache) { return cache.addAll(CONFIG.files.concat([CONFIG.offline])); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("advocato-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function kept(url) {
  return CONFIG.keep.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // sharing, forms: always the network
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (CONFIG.files.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  // Pages: the network first. The feed is kept for reading offline; nothing else is.
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && kept(url) && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(PAGES)
        .then(function (cache) { return cache.match(request, {ignoreSearch: true}); })
        .then(function (hit) { return hit || caches.match(CONFIG.offline); });
    })
  );
});

self.addEventListener("message", function (event) {
  // Signing out: forget the pages kept for this person.
  if (event.data === "forget") { event.waitUntil(caches.delete(PAGES)); }
});
