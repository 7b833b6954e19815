// Fields marked data-select-on-focus select their whole text when focused (copy a feed URL).
(function () {
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
