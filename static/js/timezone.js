// Preselect the browser's timezone on a fresh form; the user can still change it.
(function () {
  var select = document.getElementById("timezone");
  if (!select || select.dataset.touched || select.value !== "UTC") return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; break; }
  }
})();
