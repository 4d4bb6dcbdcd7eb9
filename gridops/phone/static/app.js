/* Every worker page: remember whose phone this is, send the outbox whenever there is a
   chance (page load, back online, back in view), show how many reports are waiting. */
(function () {
  "use strict";
  var script = document.currentScript;
  var owner = Number(script.getAttribute("data-owner"));
  window.GridPhone = { owner: owner };

  function updateBadge() {
    var badge = document.getElementById("outbox-badge");
    if (!badge) { return; }
    window.GridOutbox.all().then(function (rows) {
      var n = rows.filter(function (r) {
        return r.owner === owner && window.GridOutbox.pending(r);
      }).length;
      badge.hidden = n === 0;
      badge.textContent = String(n);
    });
  }

  window.GridOutbox.onChange(updateBadge);
  window.GridOutbox.setOwner(owner).then(function () {
    updateBadge();
    return window.GridOutbox.flush();
  });
  window.addEventListener("online", function () { window.GridOutbox.flush(); });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { window.GridOutbox.flush(); }
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.getAttribute("data-sw")).catch(function () {});
  }
})();
