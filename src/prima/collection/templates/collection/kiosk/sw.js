/* Prima kiosk service worker (scope /kiosk/), version {{ version }}.

   Caches the kiosk shell (page, CSS, JS, manifest, icon) at install and the survey definition
   when the kiosk fetches it, so a reload or a restart while offline still shows the survey.
   Answers never pass through here: the page keeps them in IndexedDB and posts them itself
   (non-GET requests are left alone). */
"use strict";

const VERSION = "{{ version }}";
const SHELL_CACHE = "prima-kiosk-shell-" + VERSION;
const DATA_CACHE = "prima-kiosk-data";
const SHELL = {{ shell|safe }};
const SHELL_PATH = {{ shell_path|safe }};
const DEFINITION = /^\/api\/v1\/public\/surveys\/[^/]+$/;
const NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("prima-kiosk-shell-") && key !== SHELL_CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/* network first (fresh settings and code when online), the cached copy when the network fails,
   hangs or answers with a server error */
async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok) {
      await cache.put(key, response.clone());
      return response;
    }
    if (response.status < 500) return response;
    const cached = await cache.match(key);
    return cached || response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SHELL_PATH) {
    event.respondWith(networkFirst(request, SHELL_CACHE, SHELL_PATH));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (DEFINITION.test(url.pathname)) {
    event.respondWith(networkFirst(request, DATA_CACHE, url.pathname));
  }
});
