/* The phone's outbox: every report is written to IndexedDB before anything is sent, then
   sent with its client_id until the server answers. The server makes one case per
   client_id, so a retry after a lost answer never makes a second case.

   Runs in the page and in the service worker (Background Sync); a Web Lock keeps the two
   from sending at the same time. */
(function (global) {
  "use strict";
  var DB_NAME = "gridops-phone";
  var STORE = "reports";
  var META = "meta";
  var RETRY_MS = [3000, 10000, 30000, 60000, 120000];
  var KEEP_SENT_MS = 7 * 24 * 3600 * 1000;
  var KEEP_SENT = 30;
  var here = global.document && global.document.currentScript
    ? global.document.currentScript.src : global.location.href;
  var BASE = new URL(here.indexOf("/assets/") >= 0 ? "../" : "./", here).pathname;

  function SignedOut() { this.name = "SignedOut"; }
  function Retry(why) { this.name = "Retry"; this.why = why; }

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = global.indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore(STORE, { keyPath: "client_id" });
          req.result.createObjectStore(META);
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { dbPromise = null; reject(req.error); };
      });
    }
    return dbPromise;
  }

  function run(store, mode, action) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var tx = conn.transaction(store, mode);
        var req = action(tx.objectStore(store));
        // Resolve on commit, not on success: a report counts as saved once it is on disk.
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function put(record) { return run(STORE, "readwrite", function (s) { return s.put(record); }); }
  function get(id) { return run(STORE, "readonly", function (s) { return s.get(id); }); }
  function remove(id) { return run(STORE, "readwrite", function (s) { return s.delete(id); }); }
  function all() {
    return run(STORE, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.sort(function (a, b) { return b.created_at.localeCompare(a.created_at); });
    });
  }
  function setMeta(key, value) {
    return run(META, "readwrite", function (s) { return s.put(value, key); });
  }
  function getMeta(key) { return run(META, "readonly", function (s) { return s.get(key); }); }

  function newId() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    // randomUUID needs a secure context; getRandomValues does not.
    var b = global.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return [h.slice(0, 4).join(""), h.slice(4, 6).join(""), h.slice(6, 8).join(""),
            h.slice(8, 10).join(""), h.slice(10).join("")].join("-");
  }

  var channel = global.BroadcastChannel ? new global.BroadcastChannel("gridops-outbox") : null;
  var listeners = [];
  function changed() {
    listeners.forEach(function (fn) { fn(); });
    if (channel) { channel.postMessage("changed"); }
  }
  if (channel) { channel.onmessage = function () { listeners.forEach(function (fn) { fn(); }); }; }

  function pending(record) {
    return record.status === "waiting" || (record.status === "sent" && record.photos.some(
      function (p) { return p.status === "waiting"; }));
  }

  /* Save a new report; resolve once it is safely in IndexedDB. */
  function save(owner, body, photos) {
    var record = {
      client_id: newId(), owner: owner, created_at: new Date().toISOString(),
      status: "waiting", body: body, case_number: null, url: null, error: null,
      attempts: 0, last_try: null,
      photos: photos.map(function (p) { return { role: p.role, blob: p.blob, status: "waiting",
                                                 error: null }; })
    };
    return put(record).then(function () { changed(); return record; });
  }

  function csrfToken() {
    return fetch(BASE + "csrf", { credentials: "same-origin", cache: "no-store",
                                  headers: { Accept: "application/json" } })
      .catch(function () { throw new Retry("offline"); })
      .then(function (r) {
        if (r.status === 401) { throw new SignedOut(); }
        if (!r.ok) { throw new Retry("server " + r.status); }
        return r.json();
      })
      .then(function (body) { return body.csrf_token; });
  }

  function post(url, token, body, json) {
    var headers = { Accept: "application/json", "X-CSRFToken": token };
    if (json) { headers["Content-Type"] = "application/json"; }
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers,
                        body: json ? JSON.stringify(body) : body })
      .catch(function () { throw new Retry("offline"); })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          return { status: r.status, data: data };
        });
      });
  }

  /* 4xx answers other than these mean "this will never work": stop and tell the worker. */
  function retryable(answer) {
    return answer.status >= 500 || answer.status === 408 || answer.status === 429 ||
      answer.data.code === "csrf_failed";
  }

  function sendReport(record, token) {
    var body = Object.assign({}, record.body, { client_id: record.client_id });
    return post(BASE + "reports", token, body, true).then(function (answer) {
      if (answer.status === 401) { throw new SignedOut(); }
      if (answer.status === 200 || answer.status === 201) {
        record.case_number = answer.data.case_number;
        record.url = answer.data.url;
        record.status = "sent";
        record.error = null;
      } else if (retryable(answer)) {
        throw new Retry(answer.data.detail || "server " + answer.status);
      } else {
        record.status = "failed";
        record.error = answer.data.detail || String(answer.status);
      }
      return put(record).then(changed);
    });
  }

  function sendPhoto(record, photo, token) {
    var form = new FormData();
    form.append("role", photo.role);
    form.append("photo", photo.blob, "photo.jpg");
    var url = BASE + "reports/" + encodeURIComponent(record.client_id) + "/photos";
    return post(url, token, form, false).then(function (answer) {
      if (answer.status === 401) { throw new SignedOut(); }
      if (answer.status === 200 || answer.status === 201) {
        photo.status = "sent";
      } else if (retryable(answer)) {
        throw new Retry(answer.data.detail || "server " + answer.status);
      } else {
        // Refused (not a photo, too big): the report itself stands, this photo does not.
        photo.status = "refused";
        photo.error = answer.data.detail || String(answer.status);
      }
      photo.blob = null;
      return put(record).then(changed);
    });
  }

  function sendOne(record, token) {
    record.attempts += 1;
    record.last_try = new Date().toISOString();
    var step = record.status === "waiting" ? sendReport(record, token) : Promise.resolve();
    return step.then(function () {
      if (record.status !== "sent") { return null; }
      return record.photos.reduce(function (chain, photo) {
        return chain.then(function () {
          return photo.status === "waiting" ? sendPhoto(record, photo, token) : null;
        });
      }, Promise.resolve());
    }).catch(function (error) {
      if (error instanceof Retry) { record.error = error.why; put(record).then(changed); }
      throw error;
    });
  }

  function sendAll() {
    return Promise.all([getMeta("owner"), all()]).then(function (found) {
      var owner = found[0];
      var todo = found[1].filter(function (r) { return r.owner === owner && pending(r); });
      if (!todo.length) { return prune(found[1]); }
      return csrfToken().then(function (token) {
        return setMeta("signed_out", false).then(function () {
          return todo.reduceRight(function (chain, record) {
            return chain.then(function () { return sendOne(record, token); });
          }, Promise.resolve());
        });
      });
    });
  }

  function prune(rows) {
    var now = Date.now();
    var sent = rows.filter(function (r) { return r.status === "sent" && !pending(r); });
    var old = sent.filter(function (r, i) {
      return i >= KEEP_SENT || now - Date.parse(r.created_at) > KEEP_SENT_MS;
    });
    return Promise.all(old.map(function (r) { return remove(r.client_id); }));
  }

  function withLock(fn) {
    var locks = global.navigator && global.navigator.locks;
    return locks ? locks.request("gridops-outbox", fn) : fn();
  }

  var running = null;
  var again = false;
  var timer = null;
  var failures = 0;

  /* Send whatever is waiting; on failure try again later, sooner when the phone is online. */
  function flush() {
    if (running) { again = true; return running; }
    if (timer) { global.clearTimeout(timer); timer = null; }
    running = withLock(sendAll).then(function () {
      failures = 0;
    }, function (error) {
      if (error instanceof SignedOut) { return setMeta("signed_out", true).then(changed); }
      var wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
      failures += 1;
      timer = global.setTimeout(flush, wait);
      return null;
    }).then(function () {
      running = null;
      if (again) { again = false; return flush(); }
      return null;
    });
    return running;
  }

  global.GridOutbox = {
    save: save, all: all, get: get, remove: remove, flush: flush, pending: pending,
    /* One attempt that rejects on failure, so Background Sync tries again later. */
    sendNow: function () { return withLock(sendAll); },
    setOwner: function (owner) { return setMeta("owner", owner); },
    signedOut: function () { return getMeta("signed_out"); },
    onChange: function (fn) { listeners.push(fn); }
  };
})(self);
