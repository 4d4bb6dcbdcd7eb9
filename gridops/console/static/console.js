/* The console's light JavaScript: keyboard shortcuts, live updates (with the queue notice),
   check-in countdowns, filters that apply on change. Every page works without it; it only
   saves clicks.
   No inline scripts anywhere: settings come from data- attributes of this script's tag. */
(function () {
  "use strict";
  var script = document.currentScript;
  var settings = {
    live: script.dataset.live,
    since: script.dataset.since,
    poll: Math.max(2, parseInt(script.dataset.poll, 10) || 5) * 1000,
    home: script.dataset.home
  };
  var words = { left: script.dataset.left || "{t}", late: script.dataset.late || "-{t}" };
  var FULL_REFRESH_MS = 60000;

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  /* ---- filters: apply on change; a new street resets the community and grid ---- */
  function wireFilters() {
    $all("[data-autosubmit]").forEach(function (field) {
      field.addEventListener("change", function () {
        var form = field.form;
        if (field.name === "street" || field.name === "community") {
          ["community", "grid"].forEach(function (name) {
            if (name !== field.name && form.elements[name] && (field.name === "street" || name === "grid")) {
              form.elements[name].value = "";
            }
          });
        }
        form.submit();
      });
    });
  }

  /* ---- the list: j/k select, Enter/o open, a opens at the accept form ---- */
  var selected = -1;
  function rows() { return $all("table.cases tbody tr[data-href]"); }
  function select(index) {
    var all = rows();
    if (!all.length) { return; }
    selected = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row, i) { row.classList.toggle("selected", i === selected); });
    all[selected].scrollIntoView({ block: "nearest" });
  }
  function selectedRow() { return rows()[selected] || null; }
  function openSelected(anchor) {
    var row = selectedRow();
    if (row) { window.location.href = row.dataset.href + (anchor || ""); }
  }
  function wireRowClicks() {
    document.addEventListener("click", function (event) {
      var row = event.target.closest && event.target.closest("tr[data-href]");
      if (row && !event.target.closest("a, button, input, select, form")) {
        window.location.href = row.dataset.href;
      }
    });
  }

  /* ---- the case page: an action's letter opens its form ---- */
  function openAction(details) {
    $all("details.action[open]").forEach(function (d) { if (d !== details) { d.open = false; } });
    details.open = true;
    details.scrollIntoView({ block: "nearest" });
    var first = $("input:not([type=hidden]), select, textarea, button", details.querySelector("form"));
    if (first) { first.focus(); }
  }
  function openFromHash() {
    if (window.location.hash.indexOf("#act-") === 0) {
      var details = document.getElementById(window.location.hash.slice(1));
      if (details && details.tagName === "DETAILS") { openAction(details); }
    }
  }

  function toggleHelp(show) {
    var help = $("#shortcut-help");
    if (help) { help.hidden = show === undefined ? !help.hidden : !show; }
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "Escape") {
      toggleHelp(false);
      $all("details.action[open]").forEach(function (d) { d.open = false; });
      if (typing(event.target)) { event.target.blur(); }
      return;
    }
    if (typing(event.target)) { return; }
    var key = event.key;
    var handled = true;
    if (key === "?") { toggleHelp(); }
    else if (key === "j") { select(selected + 1); }
    else if (key === "k") { select(selected - 1); }
    else if ((key === "Enter" || key === "o") && selectedRow()) { openSelected(); }
    else if (key === "a" && selectedRow()) { openSelected("#act-accept"); }
    else if (/^[1-9]$/.test(key) && $('[data-tab="' + key + '"]')) { $('[data-tab="' + key + '"]').click(); }
    else if (key === "/" && $("#filters select, #filters input")) { $("#filters select, #filters input").focus(); }
    else if (key === "q" && $("[data-shortcut-back]")) { window.location.href = settings.home; }
    else if ($('details.action[data-key="' + key + '"]')) { openAction($('details.action[data-key="' + key + '"]')); }
    else { handled = false; }
    if (handled) { event.preventDefault(); }
  }

  /* ---- countdowns to check-in deadlines ---- */
  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + two(m) : m) + ":" + two(s);
  }
  function tick() {
    var now = Date.now();
    $all("time.countdown[data-due]").forEach(function (el) {
      var seconds = Math.round((Date.parse(el.dataset.due) - now) / 1000);
      var late = seconds < 0;
      el.textContent = (late ? words.late : words.left).replace("{t}", clock(Math.abs(seconds)));
      el.classList.toggle("late", late);
    });
  }

  /* ---- live: ask for new events; refresh the list or the board in place ---- */
  function fragmentHolder() { return $("[data-fragment]"); }
  function refreshFragment() {
    var holder = fragmentHolder();
    if (!holder) { return Promise.resolve(); }
    var keep = selectedRow() && selectedRow().dataset.id;
    return fetch(holder.dataset.fragment, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        holder.innerHTML = html;
        if (keep) {
          rows().forEach(function (row, i) { if (row.dataset.id === keep) { select(i); } });
        }
        tick();
      })
      .catch(function () { /* the next poll tries again */ });
  }

  function showEvents(events) {
    var feed = $("#live-feed");
    if (!feed || !events.length) { return; }
    events.slice(-5).forEach(function (e) {
      var item = document.createElement("a");
      item.href = e.url;
      item.className = "live-item";
      item.dataset.action = e.action;
      item.textContent = e.at + " · " + e.case_number + " · " + e.label;
      feed.insertBefore(item, feed.firstChild);
    });
    while (feed.children.length > 5) { feed.removeChild(feed.lastChild); }
    feed.hidden = false;
    var here = $("[data-incident]");
    if (here && events.some(function (e) { return String(e.incident_id) === here.dataset.incident; })) {
      here.hidden = false;
    }
  }

  /* ---- the queue notice: timers will fire late (Redis down, no worker sweeping) ---- */
  function showQueueNotice(text) {
    var banner = $("#queue-notice");
    if (!banner) { return; }
    banner.textContent = text || "";
    banner.hidden = !text;
  }

  function poll() {
    var url = settings.live + "?since=" + encodeURIComponent(settings.since || "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (body) {
        showQueueNotice(body.queue_notice);
        var fresh = settings.since !== "" && body.events.length > 0;
        settings.since = String(body.latest);
        if (fresh) {
          showEvents(body.events);
          return refreshFragment();
        }
      })
      .catch(function () { /* offline for a moment: keep asking */ })
      .then(function () { window.setTimeout(poll, settings.poll); });
  }

  function start() {
    wireFilters();
    wireRowClicks();
    document.addEventListener("keydown", onKey);
    var helpButton = $("#shortcut-help-button");
    if (helpButton) { helpButton.addEventListener("click", function () { toggleHelp(); }); }
    openFromHash();
    window.addEventListener("hashchange", openFromHash);
    if (rows().length && !$("details.action")) { select(0); }
    tick();
    window.setInterval(tick, 1000);
    if (settings.live) { window.setTimeout(poll, settings.poll); }
    window.setInterval(refreshFragment, FULL_REFRESH_MS);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
