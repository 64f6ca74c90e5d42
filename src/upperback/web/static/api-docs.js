// Starts Swagger UI (served from the swagger-ui-bundle package) on the local OpenAPI document.
"use strict";
(function () {
  var el = document.getElementById("swagger-ui");
  if (!el || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({ url: el.getAttribute("data-spec"), dom_id: "#swagger-ui", deepLinking: false });
})();
