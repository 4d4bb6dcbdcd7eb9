/* The reports on this phone: waiting, sent (with the case number) or not accepted. */
(function () {
  "use strict";
  var texts = document.getElementById("outbox-texts");
  var list = document.getElementById("outbox-list");
  if (!texts || !list) { return; }
  var msgs = JSON.parse(texts.getAttribute("data-msgs"));
  var section = document.getElementById("outbox-section");
  var template = document.getElementById("outbox-item");
  var outbox = window.GridOutbox;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, key) { return values[key]; });
  }

  function time(iso) {
    var d = new Date(iso);
    return d.toLocaleDateString() + " " + d.toTimeString().slice(0, 5);
  }

  function statusOf(record) {
    return record.status === "sent" && outbox.pending(record) ? "waiting" : record.status;
  }

  function signedOutNotice() {
    var li = document.createElement("li");
    var p = document.createElement("p");
    p.className = "notice notice-warn";
    var a = document.createElement("a");
    a.href = texts.getAttribute("data-login");
    a.textContent = msgs.signed_out;
    p.appendChild(a);
    li.appendChild(p);
    return li;
  }

  function item(record) {
    var node = template.content.cloneNode(true);
    function f(name) { return node.querySelector('[data-f="' + name + '"]'); }
    var body = record.body;
    f("title").textContent = [body.category_name || msgs.no_category,
      body.urgency === "urgent" ? msgs.urgent : "", body.self_handled ? msgs.self : ""]
      .filter(Boolean).join(" · ");
    var status = statusOf(record);
    f("status").textContent = msgs[status];
    f("status").className = "status status-" + status;
    f("when").textContent = time(record.created_at);
    if (record.case_number) {
      var link = document.createElement("a");
      link.href = record.url;
      link.textContent = fmt(msgs["case"], { number: record.case_number });
      link.setAttribute("data-case-number", record.case_number);
      f("case").appendChild(link);
    }
    var photos = record.photos;
    if (photos.length) {
      var done = photos.filter(function (p) { return p.status === "sent"; }).length;
      f("photos").textContent = fmt(msgs.photos, { done: done, all: photos.length });
    }
    var errors = photos.filter(function (p) { return p.status === "refused"; })
      .map(function (p) { return fmt(msgs.photo_refused, { why: p.error }); });
    if (record.status === "failed") { errors.unshift(record.error); }
    else if (outbox.pending(record) && !navigator.onLine) {
      f("note").textContent = msgs.offline_wait;
    } else if (outbox.pending(record) && record.error) {
      errors.push(fmt(msgs.last_error, { time: time(record.last_try),
        why: record.error === "offline" ? msgs.offline : record.error }));
    }
    f("error").textContent = errors.join(" ");
    if (record.status === "failed") {
      f("actions").hidden = false;
      f("remove").textContent = msgs.remove;
      f("remove").addEventListener("click", function () {
        if (window.confirm(msgs.remove_confirm)) { outbox.remove(record.client_id).then(render); }
      });
    }
    return node;
  }

  // On 我的上报 the server's list shows sent reports; here only those still on their way.
  var onlyPending = list.hasAttribute("data-only-pending");
  var seenWaiting = {};

  function render() {
    Promise.all([outbox.all(), outbox.signedOut()]).then(function (found) {
      var rows = found[0].filter(function (r) { return r.owner === window.GridPhone.owner; });
      var waiting = rows.some(outbox.pending);
      if (onlyPending) {
        var arrived = rows.some(function (r) {
          return seenWaiting[r.client_id] && r.status === "sent" && !outbox.pending(r);
        });
        if (arrived) { window.location.reload(); return; }
        rows = rows.filter(function (r) { return outbox.pending(r) || r.status === "failed"; });
        rows.forEach(function (r) { seenWaiting[r.client_id] = true; });
      }
      list.textContent = "";
      if (found[1] && waiting) { list.appendChild(signedOutNotice()); }
      rows.forEach(function (r) { list.appendChild(item(r)); });
      if (section) { section.hidden = rows.length === 0; }
    });
  }

  outbox.onChange(render);
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  render();
})();
