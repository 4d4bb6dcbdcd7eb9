/* Pick a place on a map of grid outlines (Leaflet, served from this server).
   No tile layer unless the deployment configures one: the outlines and their names are
   enough to find a street corner, and nothing is fetched from outside. */
(function (global) {
  "use strict";

  function labelOf(feature) {
    return feature.properties.name || feature.properties.code;
  }

  function create(element, options) {
    var L = global.L;
    var map = L.map(element, { zoomControl: true, attributionControl: !!options.tiles.url,
                               zoomSnap: 0.25 });
    // The picked place sits above the grid names, not under them.
    map.createPane("picked").style.zIndex = 700;
    if (options.tiles.url) {
      L.tileLayer(options.tiles.url, { attribution: options.tiles.attribution, maxZoom: 19 })
        .addTo(map);
    }
    var b = options.bbox;
    if (b) { map.fitBounds([[b[1], b[0]], [b[3], b[2]]]); } else { map.setView([39.9, 116.4], 12); }
    var marker = null;
    var outlines = null;

    function mark(lat, lon) {
      if (marker) { marker.setLatLng([lat, lon]); }
      else {
        marker = L.circleMarker([lat, lon], { radius: 11, color: "#000", weight: 3, pane: "picked",
                                              fillColor: "#ff8c00", fillOpacity: 1 }).addTo(map);
      }
    }

    fetch(options.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (geojson) {
        outlines = L.geoJSON(geojson, {
          style: function (f) {
            var mine = options.highlight && options.highlight.indexOf(f.properties.code) >= 0;
            return { color: mine ? "#0b3d91" : "#444", weight: mine ? 3 : 1.5,
                     fillColor: mine ? "#0b3d91" : "#888", fillOpacity: mine ? 0.12 : 0.05 };
          },
          onEachFeature: function (f, layer) {
            layer.bindTooltip(labelOf(f), { permanent: true, direction: "center",
                                            className: "grid-label" });
          }
        }).addTo(map);
        if (!b && outlines.getLayers().length) { map.fitBounds(outlines.getBounds()); }
      })
      .catch(function () { if (options.onError) { options.onError(); } });

    function pick(latlng) {
      mark(latlng.lat, latlng.lng);
      options.onPick(latlng.lat, latlng.lng);
    }
    map.on("click", function (e) { pick(e.latlng); });

    var api = {
      map: map,
      mark: mark,
      refresh: function () { map.invalidateSize(); }
    };
    // Reachable from the element, so a test can tap a known place.
    element.gridMap = api;
    return api;
  }

  global.GridMap = { create: create };
})(window);
