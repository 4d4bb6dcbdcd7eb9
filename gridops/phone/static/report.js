/* 上报: the report form. The place comes from GPS (its grid shown before sending), or is
   picked on the map or from the worker's grids; the report is saved to the outbox on the
   phone before anything is sent. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  function data(name) { return JSON.parse(form.getAttribute("data-" + name)); }
  function el(id) { return document.getElementById(id); }
  var msgs = data("msgs");
  var grids = data("grids");
  var myCodes = grids.map(function (g) { return g.code; });
  var MAX_PHOTOS = 6;
  var WEAK_M = 100;

  var gpsFix = null;
  var place = null;
  var manual = false;
  var photos = [];
  var picker = null;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, key) { return values[key]; });
  }

  function metres(a, b) {
    var k = Math.PI / 180;
    var x = (b.lon - a.lon) * k * Math.cos((a.lat + b.lat) / 2 * k);
    var y = (b.lat - a.lat) * k;
    return Math.sqrt(x * x + y * y) * 6371000;
  }

  /* ---- the place ---- */

  function show(state, title, detail) {
    el("place").className = "place " + state;
    el("place-title").textContent = title;
    el("place-detail").textContent = detail || "";
  }

  function render() {
    var p = place;
    if (!p) { return; }
    var detail = [];
    if (p.by === "gps") { detail.push(fmt(msgs.accuracy, { m: p.accuracy })); }
    if (p.by === "map") { detail.push(msgs.picked_map); }
    if (p.by === "grid") { detail.push(msgs.picked_grid); }
    var state = "good";
    var title = msgs.finding_grid;
    if (p.grid) {
      title = p.grid.name + (p.community ? " · " + p.community : "");
      if (p.grid.match === "nearest") { detail.push(msgs.nearest); }
      if (myCodes.indexOf(p.grid.code) < 0) { state = "weak"; detail.push(msgs.outside_mine); }
    } else if (p.outside) {
      state = "bad";
      title = msgs.outside_all;
    } else if (p.offline) {
      state = "weak";
      detail.push(msgs.grid_unknown_offline);
    }
    if (p.by === "gps" && p.accuracy > WEAK_M) { state = "weak"; detail.push(msgs.weak); }
    show(state, title, detail.join(" · "));
    el("place").setAttribute("data-grid", p.grid ? p.grid.code : "");
  }

  function locate(p) {
    render();
    var url = form.getAttribute("data-locate-url") + "?lat=" + p.lat + "&lon=" + p.lon;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (p !== place) { return; }
          if (r.ok) {
            p.grid = { code: body.grid.code, name: body.grid.name, match: body.match };
            p.community = body.community ? body.community.name : "";
          } else if (body.code === "out_of_area") {
            p.outside = true;
          } else {
            p.offline = true;
          }
          render();
        });
      })
      .catch(function () {
        if (p !== place) { return; }
        p.offline = true;
        render();
      });
  }

  function onFix(position) {
    var c = position.coords;
    var fix = { lat: c.latitude, lon: c.longitude, accuracy: Math.round(c.accuracy), by: "gps" };
    // A worse fix that stays within the better one's circle adds nothing.
    if (gpsFix && fix.accuracy > gpsFix.accuracy && metres(fix, gpsFix) < gpsFix.accuracy) {
      return;
    }
    var moved = !gpsFix || metres(fix, gpsFix) > 15;
    if (!moved) { fix.grid = gpsFix.grid; fix.community = gpsFix.community; }
    gpsFix = fix;
    if (manual) { return; }
    place = fix;
    if (moved) { locate(fix); } else { render(); }
  }

  function onGpsError(error) {
    if (gpsFix || manual) { return; }
    show("bad", error && error.code === 1 ? msgs.denied : msgs.no_gps);
    el("grid-panel").hidden = false;
  }

  if (navigator.geolocation) {
    navigator.geolocation.watchPosition(onFix, onGpsError,
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  } else {
    onGpsError(null);
  }

  el("btn-map").addEventListener("click", function () {
    var panel = el("map-panel");
    panel.hidden = !panel.hidden;
    this.setAttribute("aria-expanded", String(!panel.hidden));
    if (panel.hidden) { return; }
    if (!picker) {
      picker = window.GridMap.create(el("pick-map"), {
        url: form.getAttribute("data-grids-url"), bbox: data("bbox"), tiles: data("tiles"),
        highlight: myCodes,
        onPick: function (lat, lon) {
          manual = true;
          place = { lat: lat, lon: lon, accuracy: null, by: "map" };
          locate(place);
        },
        onError: function () { fail(msgs.map_failed); el("grid-panel").hidden = false; }
      });
      if (place) { picker.mark(place.lat, place.lon); }
    }
    picker.refresh();
  });

  el("btn-grid").addEventListener("click", function () {
    var panel = el("grid-panel");
    panel.hidden = !panel.hidden;
    this.setAttribute("aria-expanded", String(!panel.hidden));
  });

  el("grid-select").addEventListener("change", function () {
    var g = grids[Number(this.value)];
    if (!this.value || !g) { return; }
    manual = true;
    place = { lat: g.lat, lon: g.lon, accuracy: null, by: "grid",
              grid: { code: g.code, name: g.name, match: "inside" } };
    if (picker) { picker.mark(g.lat, g.lon); }
    render();
  });

  /* ---- category: a category that is urgent by default turns the switch on ---- */

  form.addEventListener("change", function (event) {
    var t = event.target;
    el("form-error").hidden = true;  // the worker is fixing what was missing
    if (t.name === "category" && t.checked) {
      el("urgent").checked = t.getAttribute("data-urgent") === "1";
      form.querySelectorAll('input[name="category"]').forEach(function (other) {
        if (other !== t && other.value === t.value) { other.checked = true; }
      });
    }
  });

  /* ---- photos ---- */

  function showPhotos() {
    [["photo-list", ["report"]], ["self-list", ["before", "after"]]].forEach(function (pair) {
      var box = el(pair[0]);
      box.textContent = "";
      photos.filter(function (p) { return pair[1].indexOf(p.role) >= 0; }).forEach(function (p) {
        var fig = document.createElement("figure");
        var img = document.createElement("img");
        img.src = p.url;
        img.alt = p.role;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", msgs.remove);
        remove.addEventListener("click", function () {
          URL.revokeObjectURL(p.url);
          photos.splice(photos.indexOf(p), 1);
          showPhotos();
        });
        fig.appendChild(img);
        fig.appendChild(remove);
        if (p.role !== "report") {
          var cap = document.createElement("figcaption");
          cap.className = "muted";
          cap.textContent = p.label;
          fig.appendChild(cap);
        }
        box.appendChild(fig);
      });
    });
    var n = photos.filter(function (p) { return p.role === "report"; }).length;
    el("photo-count").textContent = n + "/" + MAX_PHOTOS;
  }

  function addPhoto(role, label, file) {
    return window.GridPhotos.scalePhoto(file).then(function (blob) {
      if (role !== "report") {
        photos = photos.filter(function (p) { return p.role !== role; });
      }
      photos.push({ role: role, label: label, blob: blob, url: URL.createObjectURL(blob) });
      showPhotos();
    });
  }

  el("photo-input").addEventListener("change", function () {
    var input = this;
    var room = MAX_PHOTOS - photos.filter(function (p) { return p.role === "report"; }).length;
    var files = Array.prototype.slice.call(input.files);
    if (files.length > room) { fail(msgs.too_many_photos); }
    files.slice(0, Math.max(room, 0)).reduce(function (chain, file) {
      return chain.then(function () { return addPhoto("report", "", file); });
    }, Promise.resolve()).then(function () { input.value = ""; });
  });

  [["before-input", "before"], ["after-input", "after"]].forEach(function (pair) {
    el(pair[0]).addEventListener("change", function () {
      var input = this;
      var label = input.parentNode.firstChild.textContent.trim();
      if (input.files[0]) {
        addPhoto(pair[1], label, input.files[0]).then(function () { input.value = ""; });
      }
    });
  });

  el("self-handled").addEventListener("change", function () {
    el("self-panel").hidden = !this.checked;
  });

  /* ---- send ---- */

  function fail(text) {
    el("form-ok").hidden = true;
    el("form-error").textContent = text;
    el("form-error").hidden = false;
    el("form-error").scrollIntoView({ block: "center" });
  }

  function reset() {
    form.querySelectorAll('input[name="category"]').forEach(function (i) { i.checked = false; });
    el("cat-search").value = "";
    el("cat-search").dispatchEvent(new Event("input"));
    el("catlist").hidden = true;
    el("description").value = "";
    el("urgent").checked = false;
    el("self-handled").checked = false;
    el("self-panel").hidden = true;
    photos.forEach(function (p) { URL.revokeObjectURL(p.url); });
    photos = [];
    showPhotos();
  }

  function backgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync ? reg.sync.register("gridops-outbox") : null;
    }).catch(function () {});
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var category = form.querySelector('input[name="category"]:checked');
    var selfHandled = el("self-handled").checked;
    var roles = photos.map(function (p) { return p.role; });
    if (!category) { fail(msgs.need_category); return; }
    if (!place || place.outside) { fail(place ? msgs.outside_all : msgs.need_place); return; }
    if (selfHandled && (roles.indexOf("before") < 0 || roles.indexOf("after") < 0)) {
      fail(msgs.need_before_after);
      return;
    }
    var chosen = photos.filter(function (p) { return selfHandled || p.role === "report"; });
    var body = {
      lat: Number(place.lat.toFixed(7)), lon: Number(place.lon.toFixed(7)),
      accuracy_m: place.by === "gps" ? place.accuracy : null, located_by: place.by,
      grid_name: place.grid ? place.grid.name : null,
      category: category.value, category_name: category.getAttribute("data-name"),
      description: el("description").value.trim(),
      urgency: el("urgent").checked ? "urgent" : "normal", self_handled: selfHandled,
      photos: chosen.map(function (p) { return p.role; })
    };
    var button = el("submit");
    button.disabled = true;
    window.GridOutbox.save(window.GridPhone.owner, body, chosen).then(function () {
      button.disabled = false;
      reset();
      el("form-error").hidden = true;
      el("form-ok").textContent = msgs.saved;
      el("form-ok").hidden = false;
      backgroundSync();
      window.GridOutbox.flush();
    }).catch(function (error) {
      button.disabled = false;
      fail(String(error));
    });
  });
})();
