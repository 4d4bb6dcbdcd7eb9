/* The console's maps (Leaflet, served from this server). No tile layer unless the deployment
   configures one, so the maps work offline: grid outlines and their names are enough to find
   a place. Coordinates arrive already shifted into the tiles' system (GCJ-02 for AMap). */
(function () {
  "use strict";
  var L = window.L;
  var COLOURS = { green: "#1f9d46", yellow: "#f2b705", red: "#b3171b", none: "#6b6b6b" };
  var REFRESH_MS = 15000;

  function data(el, name) {
    try { return JSON.parse(el.dataset[name] || "null"); } catch (e) { return null; }
  }

  function baseMap(el, tiles) {
    var map = L.map(el, { attributionControl: !!(tiles && tiles.url) });
    if (tiles && tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function outlineStyle() {
    return { color: "#0b3d91", weight: 2, fillColor: "#0b3d91", fillOpacity: 0.06 };
  }

  function caseMap(el) {
    var point = data(el, "point");
    var outline = data(el, "outline");
    var map = baseMap(el, data(el, "tiles"));
    var layer = outline ? L.geoJSON(outline, { style: outlineStyle }) : null;
    // Leaflet draws vectors only on a map that has a view: set it before adding layers.
    if (layer) { map.fitBounds(layer.getBounds().extend(point), { padding: [20, 20] }); }
    else { map.setView(point, 17); }
    if (layer) {
      layer.addTo(map);
      if (outline.properties) {
        layer.bindTooltip(outline.properties.name, { direction: "top", className: "grid-label" });
      }
    }
    L.circleMarker(point, { radius: 9, color: "#000", weight: 3, fillColor: "#ff8c00", fillOpacity: 1 })
      .addTo(map);
  }

  function overviewMap(el) {
    var map = baseMap(el, data(el, "tiles"));
    var bbox = data(el, "bbox");
    if (bbox) { map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]); }
    else { map.setView([39.9, 116.4], 12); }
    var grids = el.dataset.grids + (bbox ? "&bbox=" + bbox.join(",") : "") + "&simplify=16";
    fetch(grids, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (geojson) {
        L.geoJSON(geojson, {
          style: function () { return { color: "#444", weight: 1.2, fillColor: "#888", fillOpacity: 0.04 }; },
          onEachFeature: function (f, layer) {
            layer.bindTooltip(f.properties.name || f.properties.code,
                              { permanent: true, direction: "center", className: "grid-label" });
          }
        }).addTo(map).bringToBack();
      })
      .catch(function () { failed(el); });
    // Cases draw above the grid names, which would otherwise hide a case at a grid's centre.
    map.createPane("cases").style.zIndex = 660;
    var points = L.layerGroup().addTo(map);
    function load() {
      fetch(el.dataset.cases, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (body) { draw(points, body, el); })
        .catch(function () { failed(el); });
    }
    load();
    window.setInterval(load, REFRESH_MS);
  }

  function draw(points, body, el) {
    points.clearLayers();
    body.features.forEach(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      L.circleMarker([c[1], c[0]], { pane: "cases", radius: 8, color: "#111", weight: 2,
                                     fillColor: COLOURS[p.light] || COLOURS.none, fillOpacity: 0.95 })
        .bindTooltip(p.case_number + " · " + p.category + " · " + p.stage + (p.left ? " · " + p.left : ""))
        .on("click", function () { window.location.href = p.url; })
        .addTo(points);
    });
    var count = document.getElementById("map-count");
    if (count) { count.textContent = count.dataset.template.replace("{n}", body.features.length); }
    el.dataset.loaded = String(body.features.length);
  }

  function failed(el) {
    var note = document.createElement("p");
    note.className = "notice notice-error";
    note.textContent = el.dataset.error || "";
    el.parentNode.insertBefore(note, el);
  }

  function start() {
    var one = document.getElementById("case-map");
    if (one) { caseMap(one); }
    var all = document.getElementById("overview-map");
    if (all) { overviewMap(all); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
