/* The residents' report page: fill in the position, let them pick it on the map, and shrink
   photos before the ordinary form post (so a weak signal still carries them). */
(function () {
  "use strict";
  var form = document.getElementById("resident-form");
  if (!form) { return; }
  var msgs = JSON.parse(form.getAttribute("data-msgs"));
  function el(id) { return document.getElementById(id); }
  var picker = null;

  function setPlace(lat, lon, accuracy, text, state) {
    el("lat").value = lat.toFixed(7);
    el("lon").value = lon.toFixed(7);
    el("accuracy").value = accuracy === null ? "" : String(Math.round(accuracy));
    el("place").className = "place " + state;
    el("place-title").textContent = text;
    if (picker) { picker.mark(lat, lon); }
  }

  function gps() {
    if (!navigator.geolocation) { el("place-title").textContent = msgs.no_gps; return; }
    el("place-title").textContent = msgs.locating;
    navigator.geolocation.getCurrentPosition(function (p) {
      var c = p.coords;
      setPlace(c.latitude, c.longitude, c.accuracy,
               msgs.accuracy.replace("{m}", Math.round(c.accuracy)), c.accuracy > 100 ? "weak" : "good");
    }, function () {
      el("place").className = "place bad";
      el("place-title").textContent = msgs.no_gps;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
  }

  el("btn-gps").addEventListener("click", gps);
  el("btn-map").addEventListener("click", function () {
    var panel = el("map-panel");
    panel.hidden = !panel.hidden;
    this.setAttribute("aria-expanded", String(!panel.hidden));
    if (panel.hidden) { return; }
    if (!picker) {
      picker = window.GridMap.create(el("pick-map"), {
        url: form.getAttribute("data-grids-url"),
        bbox: JSON.parse(form.getAttribute("data-bbox")),
        tiles: JSON.parse(form.getAttribute("data-tiles")),
        onPick: function (lat, lon) { setPlace(lat, lon, null, msgs.picked, "good"); }
      });
      if (el("lat").value) { picker.mark(Number(el("lat").value), Number(el("lon").value)); }
    }
    picker.refresh();
  });

  /* Replace the chosen files by scaled JPEGs where the browser lets a page do that. */
  var input = el("resident-photos");
  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files);
    if (files.length > 6) { el("photo-note").textContent = msgs.too_many; files = files.slice(0, 6); }
    if (!window.DataTransfer) { return; }
    el("photo-note").textContent = msgs.scaling;
    Promise.all(files.map(function (f) { return window.GridPhotos.scalePhoto(f); }))
      .then(function (blobs) {
        var dt = new DataTransfer();
        blobs.forEach(function (b, i) {
          dt.items.add(b instanceof File ? b : new File([b], "photo-" + (i + 1) + ".jpg",
                                                        { type: "image/jpeg" }));
        });
        input.files = dt.files;
        el("photo-note").textContent = files.length ? String(files.length) + " ✓" : "";
      });
  });

  if (!el("lat").value) { gps(); }
})();
