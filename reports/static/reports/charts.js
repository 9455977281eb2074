// Draws every chart of the page from its JSON data block with the locally served plotly.js, and draws
// it again in place (Plotly.react, no flicker) when htmx brings fresh data. No inline script is needed,
// so the Content Security Policy allows scripts from this site only.
(function () {
  "use strict";

  function draw(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("[data-figure]").forEach(function (canvas) {
      var block = document.getElementById(canvas.getAttribute("data-figure"));
      if (!block) return;
      var spec = JSON.parse(block.textContent);
      window.Plotly.react(canvas, spec.data || [], spec.layout || {}, spec.config || {});
      canvas.setAttribute("data-drawn", block.getAttribute("data-version") || "1");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // After a live refresh the chart elements themselves are kept (hx-preserve), their data is new.
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
  window.addEventListener("resize", function () {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-figure][data-drawn]").forEach(function (canvas) {
      window.Plotly.Plots.resize(canvas);
    });
  });
})();
