/* Prima: the audit form offline (issue 13, point 2), progressive enhancement of /app/audit/.

   - A service worker (/app/audit/sw.js) keeps the form pages and their static files, so a reload
     while offline still shows the form; on the first visit, not yet controlled, this page puts
     itself and its files in the same cache.
   - A form submitted while the browser is offline is kept in IndexedDB with its client
     submission_id (a fresh UUID for every audit) and counted on screen ("waiting to send (N)").
   - When the browser is online, the queue is posted to /app/audit/kirim/ (JSON, CSRF header)
     one audit at a time, oldest first; an audit leaves the queue only after 201 (stored) or 200
     (stored before: the same submission_id); a 400 or 404 stays, its errors shown, until sent
     again or discarded; 401/403 (signed out) keep everything and ask to sign in; a network error
     or 5xx waits for the next try (the "online" event, every 30 s).
   Online, the form posts to the server as it does without JavaScript. The kiosk's approach
   (prima/kiosk.js, kiosk/sw.js), cut down to one small queue. */
(() => {
  "use strict";

  const root = document.getElementById("audit-offline");
  if (!root || !window.indexedDB || !window.fetch) return;
  const T = root.dataset;
  const form = document.querySelector("form[data-offline-form]");
  const CACHE = "prima-audit";
  const RETRY_MS = 30000;

  // -- IndexedDB: one store, in the order audits were given --------------------------------------
  let dbPromise = null;
  function openDb() {
    dbPromise =
      dbPromise ||
      new Promise((resolve, reject) => {
        const request = indexedDB.open("prima-audit", 1);
        request.onupgradeneeded = () =>
          request.result.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    return dbPromise;
  }
  async function store(mode, fn) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("queue", mode, { durability: "strict" });
      const request = fn(tx.objectStore("queue"));
      tx.oncomplete = () => resolve(request && request.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }
  const queue = {
    all: () => store("readonly", (s) => s.getAll()),
    add: (item) => store("readwrite", (s) => s.add(item)),
    put: (item) => store("readwrite", (s) => s.put(item)),
    remove: (seq) => store("readwrite", (s) => s.delete(seq)),
  };

  // -- the screen --------------------------------------------------------------------------------
  const el = (id) => document.getElementById(id);
  const fill = (text, n) => String(text).replace("{n}", String(n));
  let signIn = false;

  async function render(justQueued) {
    const items = await queue.all();
    const waiting = items.filter((item) => !item.errors).length;
    const count = el("audit-offline-count");
    count.dataset.count = String(waiting);
    count.textContent = waiting ? fill(T.textWaiting, waiting) : T.textNone;
    el("audit-offline-state").textContent = navigator.onLine ? "" : T.textOffline;
    el("audit-offline-saved").hidden = !justQueued;
    el("audit-offline-signin").hidden = !signIn;
    const list = el("audit-offline-refused");
    list.replaceChildren(...items.filter((item) => item.errors).map(refusedRow));
    list.hidden = !list.children.length;
    root.hidden = false;
  }

  function refusedRow(item) {
    const li = document.createElement("li");
    const title = document.createElement("strong");
    title.textContent = `${T.textRefused} ${item.label}`;
    li.append(title);
    for (const message of [item.detail, ...Object.values(item.errors)].filter(Boolean)) {
      const p = document.createElement("p");
      p.textContent = message;
      li.append(p);
    }
    const again = button(T.textAgain, "ui-button ui-button--secondary", async () => {
      delete item.errors;
      await queue.put(item);
      send();
    });
    const discard = button(T.textDiscard, "ui-button ui-button--danger", async () => {
      if (window.confirm(T.textDiscardConfirm)) await queue.remove(item.seq);
      render(false);
    });
    li.append(again, " ", discard);
    return li;
  }

  function button(text, className, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  // -- the sender --------------------------------------------------------------------------------
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  let sending = false;
  async function sendAll() {
    for (const item of await queue.all()) {
      if (item.errors) continue;
      let response;
      try {
        response = await fetch(T.submit, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(item.body),
          credentials: "same-origin",
          cache: "no-store",
        });
      } catch (_) {
        return; // offline: the next try
      }
      if (response.status === 200 || response.status === 201) {
        await queue.remove(item.seq);
        signIn = false;
      } else if (response.status === 400 || response.status === 404) {
        const answer = await response.json().catch(() => ({}));
        item.detail = answer.detail || String(response.status);
        item.errors = answer.errors || {};
        await queue.put(item);
      } else {
        signIn = response.status === 401 || response.status === 403;
        return; // signed out, or the server is unwell: keep everything for the next try
      }
      await render(false);
    }
  }

  async function send() {
    if (sending) return;
    sending = true;
    try {
      if (navigator.locks) await navigator.locks.request("prima-audit-sender", sendAll);
      else await sendAll();
    } finally {
      sending = false;
      await render(false);
    }
  }

  // -- the form ----------------------------------------------------------------------------------
  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /* now on the organization's clock ("+07:00"), as the datetime-local field shows it */
  function nowLocal(offset) {
    const m = /^([+-])(\d\d):(\d\d)$/.exec(offset || "+00:00") || ["", "+", "00", "00"];
    const minutes = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    return new Date(Date.now() + minutes * 60000).toISOString().slice(0, 16);
  }

  function freshForm(clear) {
    if (clear) form.reset();
    form.elements.submission_id.value = newId();
    if (clear || form.dataset.fresh !== undefined) {
      form.elements.observed_at.value = nowLocal(form.dataset.offset);
    }
  }

  function collect() {
    const data = new FormData(form);
    const number = (name) => (data.get(name) ? Number(data.get(name)) : null);
    const answers = {};
    for (const [name, value] of data) {
      if (name.startsWith("line_")) answers[name.slice(5)] = value;
    }
    const observed = String(data.get("observed_at") || "").slice(0, 16);
    const unit = form.elements.unit;
    const unitName = unit && unit.selectedOptions[0] ? unit.selectedOptions[0].text : "";
    return {
      submission_id: data.get("submission_id"),
      label: `${unitName} · ${observed.replace("T", " ")}`,
      body: {
        submission_id: data.get("submission_id"),
        assignment: form.dataset.assignment ? Number(form.dataset.assignment) : null,
        unit: number("unit"),
        staff_member: number("staff_member"),
        service: number("service"),
        observed_at: `${observed}:00${form.dataset.offset}`,
        answers,
        note: String(data.get("note") || ""),
        encounter: String(data.get("encounter") || "").trim(),
      },
    };
  }

  if (form) {
    freshForm(false);
    form.addEventListener("submit", async (event) => {
      if (navigator.onLine) return; // online: the server takes the form as without JavaScript
      event.preventDefault();
      if (!form.reportValidity()) return;
      await queue.add(collect());
      freshForm(true);
      await render(true);
      root.scrollIntoView();
    });
  }

  // -- offline pages -----------------------------------------------------------------------------
  if (navigator.serviceWorker && T.sw) {
    navigator.serviceWorker.register(T.sw).then(() => {
      if (navigator.serviceWorker.controller || !navigator.onLine || !window.caches) return;
      const files = [...document.querySelectorAll("link[rel~=stylesheet], link[rel~=icon]")]
        .map((link) => link.href)
        .concat([...document.querySelectorAll("script[src]")].map((script) => script.src));
      return caches.open(CACHE).then((cache) => cache.addAll([location.href, ...files]));
    }).then(() => {
      root.dataset.ready = "true";
    }, () => {});
  }

  window.addEventListener("online", send);
  window.addEventListener("offline", () => render(false));
  setInterval(() => navigator.onLine && send(), RETRY_MS);
  window.primaAudit = { queued: () => queue.all(), replace: (item) => queue.put(item), send };
  render(false).then(() => navigator.onLine && send());
})();
