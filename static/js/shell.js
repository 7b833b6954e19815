// The phone menu (Bootstrap's offcanvas): its button says whether the menu is open.
(function () {
  "use strict";
  var menu = document.getElementById("sidebar");
  var toggle = document.querySelector("[data-sidebar-toggle]");
  if (!menu || !toggle) {
    return;
  }
  menu.addEventListener("shown.bs.offcanvas", function () {
    toggle.setAttribute("aria-expanded", "true");
  });
  menu.addEventListener("hidden.bs.offcanvas", function () {
    toggle.setAttribute("aria-expanded", "false");
  });
})();
