// Colour mode: follow the system (prefers-color-scheme) until the member picks one with the
// switch in the top bar; the pick is kept in localStorage. Loaded in <head> so the first paint
// already has the right colours.
(function () {
  "use strict";
  var KEY = "coachhub-theme";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (e) {
      return null;
    }
  }

  function preferred() {
    return stored() || (media && media.matches ? "dark" : "light");
  }

  function apply(theme) {
    document.documentElement.setAttribute("data-bs-theme", theme);
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
      var icon = buttons[i].querySelector(".bi");
      if (icon) {
        icon.className = "bi " + (theme === "dark" ? "bi-sun" : "bi-moon-stars");
      }
    }
  }

  apply(preferred());

  if (media && media.addEventListener) {
    media.addEventListener("change", function () {
      if (!stored()) {
        apply(preferred());
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    apply(preferred());
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var next = document.documentElement.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
        try {
          window.localStorage.setItem(KEY, next);
        } catch (e) {
          // Private windows may refuse storage: the switch still works for this page.
        }
        apply(next);
      });
    }
  });
})();
