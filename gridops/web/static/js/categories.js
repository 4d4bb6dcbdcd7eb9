/* The category search box: filter the list as the worker types (name or code). */
(function () {
  "use strict";
  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      list.hidden = false;
      list.querySelectorAll("[data-cat]").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll(".chip").forEach(function (chip) {
          var hit = !q || chip.getAttribute("data-search").toLowerCase().indexOf(q) >= 0;
          chip.hidden = !hit;
          if (hit) { shown += 1; }
        });
        group.hidden = shown === 0;
      });
    });
  }
  document.querySelectorAll("input[data-category-search]").forEach(setup);
  document.querySelectorAll("[data-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-toggle"));
      target.hidden = !target.hidden;
      button.setAttribute("aria-expanded", String(!target.hidden));
    });
  });
})();
