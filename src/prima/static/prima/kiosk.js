/* Prima kiosk: a survey on a tablet at the counter that keeps working offline.

   - The device token (from the pairing page) lives in IndexedDB and localStorage.
   - The kiosk settings (GET /api/v1/public/kiosk) and the survey definition
     (GET /api/v1/public/surveys/<code>) are kept in IndexedDB; the service worker caches the page.
   - Each answer is written to IndexedDB first, with a submission id made here, the time it was
     given (answered_at), how long it took (elapsed_ms) and the service received (service, asked
     when the device's unit offers several); a sender posts the queue in order and
     deletes an answer only after the server answered 200/201. Network errors, 5xx, 408, 409 and
     429 keep it for a retry with backoff (and on the "online" event); other 4xx put it aside as a
     dead letter (kept, and counted on screen), never dropped.
   No framework and no CDN: this file is the whole app. */
(() => {
  "use strict";

  const DB_NAME = "prima-kiosk";
  const DB_VERSION = 1;
  const LS_DEVICE = "prima.kiosk.device";
  const LS_FALLBACK = "prima.kiosk.unsaved";
  const API = "/api/v1/public";
  const SENDER_LOCK = "prima-kiosk-sender";
  const ADVANCE_MS = 200;
  const THANKS_MS = 5000;
  const MAX_BACKOFF_MS = 60000;
  const REQUEST_TIMEOUT_MS = 20000;
  const REFRESH_MS = 5 * 60 * 1000;
  const SWEEP_MS = 30000;

  // The interface texts in both languages come from the server's gettext catalogue, rendered
  // into the app shell (json_script "kiosk-text"; prima.collection.kiosk_text) and cached with
  // it for offline use. A counted text has a form for one and for other numbers, "{n}" in it.
  let TEXT = null;
  function texts() {
    if (TEXT) return TEXT;
    const element = document.getElementById("kiosk-text");
    TEXT = element ? JSON.parse(element.textContent) : { id: {}, en: {} };
    return TEXT;
  }
  const fill = (text, values) =>
    String(text || "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  const counted = (entry, n) => fill(entry && (n === 1 ? entry.one : entry.other), { n });

  // -- IndexedDB ------------------------------------------------------------------------------
  let dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("config")) db.createObjectStore("config");
        if (!db.objectStoreNames.contains("queue")) {
          const queue = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          queue.createIndex("submission_id", "submission_id", { unique: true });
        }
        if (!db.objectStoreNames.contains("dead")) {
          db.createObjectStore("dead", { keyPath: "submission_id" });
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => db.close();
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB blocked"));
    });
    dbPromise.catch(() => {
      dbPromise = null;
    });
    return dbPromise;
  }

  /* Run fn(stores) in one transaction; resolves with fn's result once the transaction is
     committed ("strict": on disk, so a power cut or a browser restart keeps it). */
  async function withStores(names, mode, fn) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode, { durability: "strict" });
      const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
      let result;
      Promise.resolve(fn(stores)).then(
        (value) => {
          result = value;
        },
        (error) => {
          try {
            tx.abort();
          } catch (_) {
            /* already finished */
          }
          reject(error);
        },
      );
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    });
  }

  function req(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  const config = {
    get: (key) => withStores(["config"], "readonly", (s) => req(s.config.get(key))),
    set: (key, value) =>
      withStores(["config"], "readwrite", (s) => {
        s.config.put(value, key);
      }),
    del: (keys) =>
      withStores(["config"], "readwrite", (s) => {
        for (const key of keys) s.config.delete(key);
      }),
  };

  // -- the device token -------------------------------------------------------------------------
  function readLocalDevice() {
    try {
      const raw = localStorage.getItem(LS_DEVICE);
      const device = raw ? JSON.parse(raw) : null;
      return device && device.token && device.survey ? device : null;
    } catch (_) {
      return null;
    }
  }

  async function storeDevice(device) {
    const value = {
      token: device.token,
      survey: device.survey,
      name: device.name || "",
      paired_at: new Date().toISOString(),
    };
    try {
      localStorage.setItem(LS_DEVICE, JSON.stringify(value));
    } catch (_) {
      /* private mode or full: IndexedDB still has it */
    }
    await config.del(["kiosk", "definition", "revoked"]);
    await config.set("device", value);
  }

  async function loadDevice() {
    let device = null;
    try {
      device = await config.get("device");
    } catch (_) {
      device = null;
    }
    const local = readLocalDevice();
    if (!device && local) {
      device = local;
      config.set("device", local).catch(() => {});
    } else if (device && (!local || local.token !== device.token)) {
      try {
        localStorage.setItem(LS_DEVICE, JSON.stringify(device));
      } catch (_) {
        /* ignore */
      }
    }
    return device;
  }

  // -- the queue of answers -------------------------------------------------------------------
  function newSubmissionId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  async function enqueue(item) {
    try {
      await withStores(["queue"], "readwrite", (s) => {
        s.queue.add(item);
      });
    } catch (error) {
      // IndexedDB refused (quota, a broken profile): keep the answer in localStorage instead
      const saved = JSON.parse(localStorage.getItem(LS_FALLBACK) || "[]");
      saved.push(item);
      localStorage.setItem(LS_FALLBACK, JSON.stringify(saved));
    }
  }

  async function adoptFallback() {
    let saved;
    try {
      saved = JSON.parse(localStorage.getItem(LS_FALLBACK) || "[]");
    } catch (_) {
      return;
    }
    if (!saved.length) return;
    await withStores(["queue"], "readwrite", async (s) => {
      for (const item of saved) {
        const existing = await req(s.queue.index("submission_id").getKey(item.submission_id));
        if (existing === undefined) s.queue.add(item);
      }
    });
    localStorage.removeItem(LS_FALLBACK);
  }

  const queue = {
    first: () =>
      withStores(["queue"], "readonly", async (s) => {
        const cursor = await req(s.queue.openCursor());
        return cursor ? cursor.value : null;
      }),
    all: () => withStores(["queue"], "readonly", (s) => req(s.queue.getAll())),
    remove: (seq) =>
      withStores(["queue"], "readwrite", (s) => {
        s.queue.delete(seq);
      }),
    bury: (item, status, detail) =>
      withStores(["queue", "dead"], "readwrite", (s) => {
        s.queue.delete(item.seq);
        s.dead.put({ ...item, status, detail, failed_at: new Date().toISOString() });
      }),
    counts: () =>
      withStores(["queue", "dead"], "readonly", async (s) => ({
        pending: await req(s.queue.count()),
        dead: await req(s.dead.count()),
      })),
    deadAll: () => withStores(["dead"], "readonly", (s) => req(s.dead.getAll())),
  };

  // -- the sender -----------------------------------------------------------------------------
  let flushing = false;
  let flushAgain = false;
  let retryTimer = null;
  let backoffMs = 0;

  function fetchWithTimeout(url, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    return fetch(url, { ...options, signal: controller.signal }).finally(() =>
      clearTimeout(timer),
    );
  }

  function retryAfterMs(response) {
    const value = response && response.headers.get("Retry-After");
    if (!value) return 0;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(value);
    return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 0;
  }

  function scheduleRetry(hintMs) {
    backoffMs = backoffMs ? Math.min(backoffMs * 2, MAX_BACKOFF_MS) : 1000;
    const wait = Math.max(backoffMs, Math.min(hintMs || 0, 10 * MAX_BACKOFF_MS));
    clearTimeout(retryTimer);
    retryTimer = setTimeout(
      () => {
        retryTimer = null;
        flush();
      },
      wait * (0.8 + Math.random() * 0.4),
    );
  }

  /* Post the queue in order, one answer at a time (the server checks the kiosk's interval in
     the order answers were given). Returns "done" or "retry". */
  async function sendAll() {
    for (;;) {
      const item = await queue.first();
      if (!item) {
        backoffMs = 0;
        return "done";
      }
      let response;
      try {
        response = await fetchWithTimeout(
          `${API}/surveys/${encodeURIComponent(item.survey)}/responses?lang=${item.lang || "id"}`,
          {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-Prima-Device": item.token },
            body: JSON.stringify(item.body),
            cache: "no-store",
            credentials: "omit",
          },
        );
      } catch (_) {
        setNetwork(false);
        scheduleRetry(0);
        return "retry";
      }
      setNetwork(true);
      const status = response.status;
      if (status === 200 || status === 201) {
        await queue.remove(item.seq);
        backoffMs = 0;
        await showCounts();
        continue;
      }
      if (status >= 500 || status === 408 || status === 409 || status === 429) {
        scheduleRetry(retryAfterMs(response));
        return "retry";
      }
      let detail = "";
      try {
        detail = (await response.json()).detail || "";
      } catch (_) {
        detail = "";
      }
      await queue.bury(item, status, detail);
      await showCounts();
      if (status === 403 && item.token === (state.device && state.device.token)) {
        await markRevoked();
      }
    }
  }

  async function flush() {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    try {
      let outcome;
      do {
        flushAgain = false;
        await adoptFallback().catch(() => {});
        if (navigator.locks && navigator.locks.request) {
          // one sender per browser, even with the kiosk open in two tabs
          outcome = await navigator.locks.request(SENDER_LOCK, { ifAvailable: true }, (lock) =>
            lock ? sendAll() : "busy",
          );
        } else {
          outcome = await sendAll();
        }
      } while (flushAgain && outcome === "done");
    } catch (_) {
      scheduleRetry(0);
    } finally {
      flushing = false;
    }
  }

  function flushNow() {
    backoffMs = 0;
    clearTimeout(retryTimer);
    retryTimer = null;
    flush();
  }

  // -- state ----------------------------------------------------------------------------------
  const state = {
    lang: "id",
    device: null,
    kiosk: null,
    survey: null,
    revoked: false,
    screen: "loading",
    steps: [],
    index: 0,
    answers: {},
    staff: null,
    service: null,
    startedAt: 0,
    online: navigator.onLine,
  };
  let idleTimer = null;
  let thanksTimer = null;
  let advancing = false;

  const t = () => texts()[state.lang] || texts().id;
  const pick = (dict) => (dict && (dict[state.lang] || dict.id)) || "";
  const $ = (id) => document.getElementById(id);

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key === "svg") el.innerHTML = value; // only our own static markup
      // through the CSSOM: the Content-Security-Policy refuses style="" attributes
      else if (key === "style") Object.assign(el.style, value);
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  // -- faces ----------------------------------------------------------------------------------
  const FACE_COLOURS = [
    ["#fbd0cd", "#a3160c"],
    ["#fde0c2", "#9a4a00"],
    ["#f7e7a6", "#6d5600"],
    ["#d9ecc3", "#3f6b12"],
    ["#bfe3c5", "#15592a"],
  ];

  function faceSvg(position, count) {
    const t = count <= 1 ? 1 : position / (count - 1);
    const palette = count === 4 ? [0, 1, 3, 4] : [0, 1, 2, 3, 4];
    const [fill, ink] = FACE_COLOURS[palette[Math.round(t * (palette.length - 1))]];
    const curve = Math.round(-12 + 26 * t);
    const y = 64 - curve / 2;
    return (
      `<svg viewBox="0 0 96 96" aria-hidden="true" focusable="false">` +
      `<circle cx="48" cy="48" r="44" fill="${fill}" stroke="${ink}" stroke-width="4"/>` +
      `<circle cx="34" cy="38" r="5.5" fill="${ink}"/><circle cx="62" cy="38" r="5.5" fill="${ink}"/>` +
      `<path d="M27 ${y} Q48 ${64 + curve} 69 ${y}" fill="none" stroke="${ink}" stroke-width="5.5" stroke-linecap="round"/></svg>`
    );
  }

  const CHECK_SVG =
    '<svg viewBox="0 0 48 48" aria-hidden="true" focusable="false"><circle cx="24" cy="24" r="22" fill="#e3f1e6"/><path d="M14 25l7 7 13-15" fill="none" stroke="#1d6b34" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>';

  // -- the steps of a survey ------------------------------------------------------------------
  function buildSteps(definition) {
    const steps = [];
    const byItem = new Map();
    for (const q of definition.questions) {
      if (q.side) {
        if (!byItem.has(q.item)) {
          const step = { kind: "paired", item: q.item, questions: [] };
          byItem.set(q.item, step);
          steps.push(step);
        }
        byItem.get(q.item).questions.push(q);
      } else {
        steps.push({ kind: "single", questions: [q] });
      }
    }
    return steps;
  }

  function scaleOf(question) {
    const n = question.options.length;
    const kind = state.survey.instrument.kind;
    if (n === 2) return "binary";
    if (question.min === 0 && question.max === 10) return "nps";
    if ((kind === "ikm" || kind === "quick") && n >= 3 && n <= 5 && question.min >= 1) {
      return "faces";
    }
    return "labels";
  }

  function withoutSide(text) {
    return text.replace(/^[^:]{1,40}:\s*/, "");
  }

  // -- screens --------------------------------------------------------------------------------
  function show(screen, ...content) {
    state.screen = screen;
    const main = $("k-main");
    main.dataset.screen = screen;
    main.dataset.step = screen === "question" ? String(state.index + 1) : "";
    main.replaceChildren(...content);
    const heading = main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
    main.scrollTop = 0;
    armIdle();
  }

  function renderHeader() {
    const org = $("k-org");
    const parts = [];
    if (state.survey) parts.push(state.survey.organization);
    if (state.kiosk) parts.push(state.kiosk.unit.name);
    org.textContent = parts.join(" · ") || "Prima";
    const button = $("k-lang");
    button.textContent = t().switch;
    button.setAttribute("lang", t().switchLang);
    button.hidden = !state.survey || state.revoked;
    document.documentElement.lang = state.lang;
    document.title = `${state.survey ? pick(state.survey.instrument.title) : t().title} · Prima`;
  }

  function renderCurrent() {
    renderHeader();
    if (state.revoked) return renderRevoked();
    if (!state.device) return renderUnpaired();
    if (!state.survey || !state.kiosk) return renderLoading(state.screen === "error");
    if (state.screen === "question") return renderQuestion();
    if (state.screen === "staff") return renderStaff();
    if (state.screen === "service") return renderService();
    if (state.screen === "thanks") return renderThanks();
    return renderStart();
  }

  function renderLoading(failed) {
    show(
      failed ? "error" : "loading",
      h("section", { class: "k-message" }, h("p", { class: "k-loading", text: failed ? t().load_error : t().loading })),
    );
  }

  function renderUnpaired() {
    show(
      "unpaired",
      h(
        "section",
        { class: "k-message" },
        h("h1", { text: t().unpaired_title }),
        h("p", { text: t().unpaired_body }),
      ),
    );
  }

  function renderRevoked() {
    renderHeader();
    show(
      "revoked",
      h(
        "section",
        { class: "k-message k-revoked", role: "alert" },
        h("h1", { text: t().revoked_title }),
        h("p", { text: t().revoked_body }),
      ),
    );
  }

  function renderStart() {
    const survey = state.survey;
    const open = survey.open;
    show(
      "start",
      h(
        "section",
        { class: "k-start" },
        h("span", { class: "k-hello", svg: faceSvg(4, 5) }),
        h("h1", { class: "k-title", text: t().start_title }),
        h(
          "p",
          { class: "k-sub" },
          h("span", { text: pick(survey.instrument.title) }),
          h("span", { text: counted(t().start_sub, state.steps.length) }),
        ),
        open
          ? h("button", {
              type: "button",
              class: "k-primary",
              id: "kiosk-start",
              text: t().start,
              onclick: begin,
            })
          : h("p", { class: "k-notice", role: "status", text: t().closed }),
      ),
    );
  }

  function begin() {
    state.index = 0;
    state.answers = {};
    state.staff = null;
    state.service = null;
    state.startedAt = performance.now();
    if (matchMedia("(pointer: coarse)").matches && document.fullscreenEnabled) {
      if (!document.fullscreenElement) document.documentElement.requestFullscreen().catch(() => {});
    }
    if (asksService()) {
      state.screen = "service";
      renderService();
    } else {
      state.screen = "question";
      renderQuestion();
    }
  }

  /* The service received (jenis layanan) is asked first when the device's unit offers several
     (the kiosk settings list them, as the web form does); the answer carries its id. */
  function asksService() {
    return Boolean(state.kiosk && state.kiosk.services && state.kiosk.services.length > 1);
  }

  function toQuestions() {
    state.index = 0;
    state.screen = "question";
    renderQuestion();
  }

  function renderService() {
    const services = state.kiosk.services;
    const units = new Set(services.map((s) => s.unit.id));
    const list = h(
      "div",
      { class: "k-services", role: "group", "aria-labelledby": "k-service-title" },
      services.map((service) =>
        h(
          "button",
          {
            type: "button",
            class: "k-option k-service",
            "data-service": String(service.id),
            "aria-pressed": state.service === service.id ? "true" : "false",
            onclick: () => {
              state.service = service.id;
              toQuestions();
            },
          },
          h("span", { class: "k-label", text: service.name }),
          // the same service name exists in several units: say which (the space keeps the two
          // words apart in the button's accessible name; a flex container does not draw it)
          units.size > 1 ? [" ", h("span", { class: "k-detail", text: service.unit.name })] : null,
        ),
      ),
    );
    show(
      "service",
      h(
        "section",
        { class: "k-question k-service-step" },
        h("h1", { class: "k-title", id: "k-service-title", text: t().service_title }),
        h("p", { class: "k-hint", text: t().staff_hint }),
        list,
        h(
          "div",
          { class: "k-nav" },
          h("button", { type: "button", class: "k-back", text: `‹ ${t().back}`, onclick: back }),
          h("button", {
            type: "button",
            class: "k-skip",
            text: `${t().staff_skip} ›`,
            onclick: () => {
              state.service = null;
              toQuestions();
            },
          }),
        ),
      ),
    );
  }

  function optionButton(question, option, position, scale, count) {
    const selected = state.answers[question.key] === option.value;
    const label = pick(option.label);
    const props = {
      type: "button",
      class: `k-option k-${scale}`,
      "data-value": String(option.value),
      "aria-pressed": selected ? "true" : "false",
      onclick: (event) => choose(question, option.value, event.currentTarget),
    };
    if (scale === "faces") {
      return h("button", props, h("span", { class: "k-face", svg: faceSvg(position, count) }), h("span", { class: "k-label", text: label }));
    }
    if (scale === "nps") {
      return h("button", props, h("span", { class: "k-num", text: String(option.value) }));
    }
    if (scale === "labels") {
      return h("button", props, h("span", { class: "k-num", text: String(option.value) }), h("span", { class: "k-label", text: label }));
    }
    return h("button", props, h("span", { class: "k-label", text: label }));
  }

  function scaleGroup(question, labelledBy) {
    const scale = scaleOf(question);
    const count = question.options.length;
    const group = h(
      "div",
      {
        class: `k-scale k-scale-${scale} k-n${count}`,
        role: "group",
        "aria-labelledby": labelledBy,
        "data-key": question.key,
      },
      question.options.map((option, i) => optionButton(question, option, i, scale, count)),
    );
    if (scale !== "nps") return group;
    const low = pick(question.options[0].label).replace(/^\s*\d+\s*[-–]\s*/, "");
    const high = pick(question.options[count - 1].label).replace(/^\s*\d+\s*[-–]\s*/, "");
    return h("div", { class: "k-nps" }, group, h("div", { class: "k-ends", "aria-hidden": "true" }, h("span", { text: low }), h("span", { text: high })));
  }

  function renderQuestion() {
    const step = state.steps[state.index];
    const total = state.steps.length;
    const progress = h(
      "div",
      { class: "k-progress" },
      h("p", { class: "k-count", text: fill(t().question_of, { i: state.index + 1, n: total }) }),
      h(
        "div",
        { class: "k-bar-track", "aria-hidden": "true" },
        h("div", { class: "k-bar-fill", style: { width: `${Math.round(((state.index + 1) / total) * 100)}%` } }),
      ),
    );
    let body;
    if (step.kind === "paired") {
      const [first] = step.questions;
      body = [
        h("h1", { class: "k-title", id: "k-q-title", text: withoutSide(pick(first.text)) }),
        h("p", { class: "k-hint", text: t().paired_hint }),
        step.questions.map((q, i) => {
          const id = `k-side-${i}`;
          return h(
            "div",
            { class: "k-side" },
            h("h2", { id, text: q.side === "harapan" ? t().expectation : t().performance }),
            scaleGroup(q, `k-q-title ${id}`),
          );
        }),
      ];
    } else {
      body = [h("h1", { class: "k-title", id: "k-q-title", text: pick(step.questions[0].text) }), scaleGroup(step.questions[0], "k-q-title")];
    }
    const optional = step.questions.every((q) => !q.required);
    const nav = h(
      "div",
      { class: "k-nav" },
      h("button", { type: "button", class: "k-back", text: `‹ ${t().back}`, onclick: back }),
      optional ? h("button", { type: "button", class: "k-skip", text: `${t().skip} ›`, onclick: next }) : null,
    );
    show("question", h("section", { class: `k-question k-${step.kind}` }, progress, body, nav));
  }

  function choose(question, value, button) {
    if (advancing) return;
    state.answers[question.key] = value;
    const group = button.closest(".k-scale");
    for (const other of group.querySelectorAll(".k-option")) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    }
    const step = state.steps[state.index];
    const complete = step.questions.every((q) => state.answers[q.key] !== undefined || !q.required);
    const allAnswered = step.questions.every((q) => state.answers[q.key] !== undefined);
    if (complete && allAnswered) {
      advancing = true;
      setTimeout(() => {
        advancing = false;
        next();
      }, ADVANCE_MS);
    }
  }

  function next() {
    if (state.index + 1 < state.steps.length) {
      state.index += 1;
      renderQuestion();
    } else if (state.kiosk.ask_staff && state.kiosk.staff.length) {
      state.screen = "staff";
      renderStaff();
    } else {
      save();
    }
  }

  function back() {
    if (state.screen === "staff") {
      state.index = state.steps.length - 1;
      state.screen = "question";
      renderQuestion();
    } else if (state.screen === "question" && state.index > 0) {
      state.index -= 1;
      renderQuestion();
    } else if (state.screen === "question" && asksService()) {
      state.screen = "service";
      renderService();
    } else {
      toStart();
    }
  }

  function renderStaff() {
    const list = h(
      "div",
      { class: "k-staff", role: "group", "aria-labelledby": "k-staff-title" },
      state.kiosk.staff.map((person) =>
        h("button", {
          type: "button",
          class: "k-option k-person",
          "aria-pressed": state.staff === person.id ? "true" : "false",
          text: person.name,
          onclick: () => {
            state.staff = person.id;
            save();
          },
        }),
      ),
    );
    show(
      "staff",
      h(
        "section",
        { class: "k-question k-staff-step" },
        h("h1", { class: "k-title", id: "k-staff-title", text: t().staff_title }),
        h("p", { class: "k-hint", text: t().staff_hint }),
        list,
        h(
          "div",
          { class: "k-nav" },
          h("button", { type: "button", class: "k-back", text: `‹ ${t().back}`, onclick: back }),
          h("button", {
            type: "button",
            class: "k-skip",
            text: `${t().staff_skip} ›`,
            onclick: () => {
              state.staff = null;
              save();
            },
          }),
        ),
      ),
    );
  }

  let saving = false;

  async function save() {
    if (saving) return;
    saving = true;
    const submissionId = newSubmissionId();
    const body = {
      submission_id: submissionId,
      answers: { ...state.answers },
      staff: state.staff,
      service: state.service,
      channel: "kiosk",
      elapsed_ms: Math.max(0, Math.round(performance.now() - state.startedAt)),
      answered_at: new Date().toISOString(),
    };
    try {
      await enqueue({
        submission_id: submissionId,
        survey: state.survey.code,
        token: state.device.token,
        lang: state.lang,
        body,
        queued_at: body.answered_at,
      });
    } catch (_) {
      saving = false;
      show("error", h("section", { class: "k-message", role: "alert" }, h("h1", { text: t().save_error })));
      return;
    }
    saving = false;
    state.answers = {};
    state.staff = null;
    state.service = null;
    state.screen = "thanks";
    renderThanks();
    await showCounts();
    flush();
  }

  function renderThanks() {
    clearTimeout(thanksTimer);
    thanksTimer = setTimeout(toStart, THANKS_MS);
    show(
      "thanks",
      h(
        "section",
        { class: "k-thanks" },
        h("span", { class: "k-check", svg: CHECK_SVG }),
        h("h1", { class: "k-title", text: t().thanks_title }),
        h("p", { role: "status", text: t().thanks_body }),
        h("button", { type: "button", class: "k-done", id: "kiosk-done", text: t().done, onclick: toStart }),
      ),
    );
  }

  function toStart() {
    clearTimeout(thanksTimer);
    state.answers = {};
    state.staff = null;
    state.service = null;
    state.index = 0;
    state.screen = "start";
    renderCurrent();
  }

  // -- idle reset -----------------------------------------------------------------------------
  function armIdle() {
    clearTimeout(idleTimer);
    idleTimer = null;
    const seconds = state.kiosk ? state.kiosk.idle_reset_seconds : 0;
    const busy = ["question", "staff", "service"].includes(state.screen);
    const strayLanguage = state.screen === "start" && state.lang !== "id";
    if (seconds > 0 && (busy || strayLanguage)) {
      idleTimer = setTimeout(idleReset, seconds * 1000);
    }
  }

  function idleReset() {
    state.lang = "id";
    toStart();
  }

  // -- status bar -----------------------------------------------------------------------------
  async function showCounts() {
    let counts;
    try {
      counts = await queue.counts();
    } catch (_) {
      return;
    }
    const pending = $("kiosk-pending");
    pending.dataset.count = String(counts.pending);
    if (counts.pending) pending.textContent = counted(t().pending, counts.pending);
    else pending.textContent = counts.dead ? t().none_waiting : t().all_sent;
    pending.classList.toggle("k-waiting", counts.pending > 0);
    const dead = $("kiosk-dead");
    dead.dataset.count = String(counts.dead);
    dead.textContent = counts.dead ? counted(t().dead, counts.dead) : "";
    dead.hidden = counts.dead === 0;
  }

  function setNetwork(online) {
    state.online = online;
    const net = $("kiosk-net");
    if (!net) return;
    net.dataset.online = online ? "true" : "false";
    net.querySelector(".k-net-text").textContent = online ? t().online : t().offline;
  }

  async function markRevoked() {
    state.revoked = true;
    await config.set("revoked", true).catch(() => {});
    clearTimeout(idleTimer);
    clearTimeout(thanksTimer);
    renderRevoked();
  }

  // -- loading the survey ---------------------------------------------------------------------
  async function refresh() {
    if (!state.device) return false;
    let response;
    try {
      response = await fetchWithTimeout(`${API}/kiosk`, {
        headers: { "X-Prima-Device": state.device.token },
        cache: "no-store",
        credentials: "omit",
      });
    } catch (_) {
      setNetwork(false);
      return false;
    }
    setNetwork(true);
    if (response.status === 403 || response.status === 401) {
      await markRevoked();
      return false;
    }
    if (!response.ok) return false;
    const kiosk = await response.json();
    let definition;
    try {
      const answer = await fetchWithTimeout(`${API}/surveys/${encodeURIComponent(kiosk.survey)}`, {
        credentials: "omit",
      });
      if (!answer.ok) return false;
      definition = await answer.json();
    } catch (_) {
      return false;
    }
    await config.set("kiosk", kiosk).catch(() => {});
    await config.set("definition", definition).catch(() => {});
    const changed = JSON.stringify([kiosk, definition]) !== JSON.stringify([state.kiosk, state.survey]);
    adopt(kiosk, definition);
    if (changed && ["start", "loading", "error"].includes(state.screen)) {
      state.screen = "start";
      renderCurrent();
    }
    return true;
  }

  function adopt(kiosk, definition) {
    state.kiosk = kiosk;
    state.survey = definition;
    state.steps = buildSteps(definition);
  }

  async function boot() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/kiosk/sw.js", { scope: "/kiosk/" }).catch(() => {});
    }
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    setNetwork(navigator.onLine);
    $("k-lang").addEventListener("click", () => {
      state.lang = state.lang === "id" ? "en" : "id";
      setNetwork(state.online);
      showCounts();
      renderCurrent();
    });
    for (const type of ["pointerdown", "keydown", "touchstart"]) {
      document.addEventListener(type, armIdle, { passive: true, capture: true });
    }
    window.addEventListener("online", () => {
      setNetwork(true);
      flushNow();
      if (!state.survey) refresh();
    });
    window.addEventListener("offline", () => setNetwork(false));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") flush();
    });

    state.device = await loadDevice();
    await showCounts();
    if (!state.device) {
      renderCurrent();
      return;
    }
    state.revoked = Boolean(await config.get("revoked").catch(() => false));
    const [kiosk, definition] = await Promise.all([
      config.get("kiosk").catch(() => null),
      config.get("definition").catch(() => null),
    ]);
    if (kiosk && definition) {
      adopt(kiosk, definition);
      state.screen = "start";
    }
    renderCurrent();
    flush();
    if (state.revoked) return;
    const loaded = await refresh();
    if (!loaded && !state.survey && !state.revoked) {
      state.screen = "error";
      renderCurrent();
      const retry = setInterval(async () => {
        if (state.survey || state.revoked || (await refresh())) clearInterval(retry);
      }, 10000);
    }
    setInterval(() => {
      if (!state.revoked) refresh();
    }, REFRESH_MS);
    setInterval(async () => {
      const counts = await queue.counts().catch(() => null);
      if (counts && counts.pending && !retryTimer && !flushing) flush();
    }, SWEEP_MS);
  }

  // -- the pairing page -----------------------------------------------------------------------
  async function pair(element) {
    const pairing = JSON.parse(element.textContent);
    try {
      await storeDevice(pairing);
    } catch (_) {
      const status = document.getElementById("pairing-status");
      if (status) status.textContent = "IndexedDB ✗";
      return;
    }
    window.location.replace(pairing.kiosk);
  }

  // for staff tools and tests: what waits on this device
  window.primaKiosk = {
    queued: () => queue.all(),
    dead: () => queue.deadAll(),
    flush: flushNow,
    state: () => ({ screen: state.screen, lang: state.lang, revoked: state.revoked }),
  };

  function start() {
    const pairing = document.getElementById("kiosk-pairing");
    if (pairing) pair(pairing);
    else if (document.getElementById("k-main")) boot();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
