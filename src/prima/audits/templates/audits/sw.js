/* Prima's offline audit form: the service worker (scope {{ scope|safe }}).

   Network first, the cached copy when the network fails or hangs: the audit form pages
   (tugas/, tugas/<id>/, baru/?unit=...) and the static files they load, so a reload while offline
   still shows the form. No audit's scores are ever cached (only the pages that hold none).
   Audits never pass through here: the page keeps them in IndexedDB and posts them itself
   (prima/audit-offline.js; non-GET requests are left alone). */
"use strict";

const CACHE = "prima-audit";
const SCOPE = {{ scope|safe }};
const PAGES = /^(tugas\/(\d+\/)?|baru\/)$/;
const NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function cacheable(url) {
  if (url.pathname.startsWith("/static/")) return true;
  return url.pathname.startsWith(SCOPE) && PAGES.test(url.pathname.slice(SCOPE.length));
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout")), NETWORK_TIMEOUT_MS);
      fetch(request).then(resolve, reject).finally(() => clearTimeout(timer));
    });
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request.url, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !cacheable(url)) return;
  event.respondWith(networkFirst(request));
});
