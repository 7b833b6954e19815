// The API reference page: Swagger UI over /api/v1/openapi.json (no inline script: CSP).
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
  });
})();
