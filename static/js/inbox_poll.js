// The bell: every 30 seconds (while the page is visible) ask for the unread count and show it.
(function () {
  "use strict";
  var bell = document.querySelector("[data-inbox-bell]");
  if (!bell || !window.fetch) {
    return;
  }
  var url = bell.getAttribute("data-unread-url");
  var badge = bell.querySelector("[data-inbox-count]");
  var label = bell.querySelector("[data-inbox-label]");
  var every = parseInt(bell.getAttribute("data-poll-ms") || "30000", 10);

  function show(count) {
    badge.textContent = String(count);
    badge.classList.toggle("d-none", count === 0);
    label.textContent = count + " unread";
  }

  function poll() {
    if (document.visibilityState === "hidden") {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && typeof data.unread === "number") {
          show(data.unread);
        }
      })
      .catch(function () {});
  }

  window.setInterval(poll, every);
  document.addEventListener("visibilitychange", poll);
})();
