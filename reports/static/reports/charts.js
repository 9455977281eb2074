// Draws every chart of the page from its JSON data block with the locally served plotly.js, and draws
// it again in place (Plotly.react, no flicker) when htmx brings fresh data. No inline script is needed,
// so the Content Security Policy allows scripts from this site only.
(function () {
  "use strict";

  var NARROW = 520; // below this width (a phone), a chart takes its `narrow` changes

  function merge(target, changes) {
    Object.keys(changes).forEach(function (key) {
      var value = changes[key];
      if (value && typeof value === "object" && !Array.isArray(value) &&
          target[key] && typeof target[key] === "object" && !Array.isArray(target[key])) {
        merge(target[key], value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function drawCanvas(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-figure"));
    if (!block || !window.Plotly) return;
    var spec = JSON.parse(block.textContent);
    var data = spec.data || [], layout = spec.layout || {};
    var narrow = Boolean(spec.narrow) && canvas.clientWidth < NARROW;
    if (narrow) {
      merge(layout, spec.narrow.layout || {});
      (spec.narrow.traces || []).forEach(function (changes, i) { if (data[i]) merge(data[i], changes); });
    }
    window.Plotly.react(canvas, data, layout, spec.config || {});
    canvas.setAttribute("data-drawn", block.getAttribute("data-version") || "1");
    canvas.setAttribute("data-narrow", narrow ? "1" : "0");
  }

  // A chart below the first screen is drawn when it comes near the window: a phone draws what it shows
  // first, the rest as the person scrolls. Charts on screen are drawn at once.
  var AHEAD = 300;
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      drawCanvas(entry.target);
    });
  }, {rootMargin: AHEAD + "px 0px"}) : null;

  function nearView(canvas) {
    var box = canvas.getBoundingClientRect();
    return box.top < window.innerHeight + AHEAD && box.bottom > -AHEAD;
  }

  function draw(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("[data-figure]").forEach(function (canvas) {
      if (observer && !canvas.hasAttribute("data-drawn") && !nearView(canvas)) {
        observer.observe(canvas);
        return;
      }
      drawCanvas(canvas);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // After a live refresh the chart elements themselves are kept (hx-preserve), their data is new.
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
  var resizing = null;
  window.addEventListener("resize", function () {
    if (!window.Plotly) return;
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      document.querySelectorAll("[data-figure][data-drawn]").forEach(function (canvas) {
        var narrow = canvas.clientWidth < NARROW ? "1" : "0";
        if (canvas.getAttribute("data-narrow") !== narrow) draw(canvas.parentNode);
        else window.Plotly.Plots.resize(canvas);
      });
    }, 150);
  });
})();
