// Starts Swagger UI (/docs) or ReDoc (/redoc) from the page's data-config, so the pages
// need no inline script and their Content-Security-Policy allows this server's scripts only.
(function () {
  "use strict";
  var swagger = document.getElementById("swagger-ui");
  if (swagger && window.SwaggerUIBundle) {
    var options = JSON.parse(swagger.getAttribute("data-config"));
    options.dom_id = "#swagger-ui";
    options.presets = [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset];
    window.ui = window.SwaggerUIBundle(options);
  }
  var redoc = document.getElementById("redoc");
  if (redoc && window.Redoc) {
    var config = JSON.parse(redoc.getAttribute("data-config"));
    window.Redoc.init(config.url, {}, redoc);
  }
})();
