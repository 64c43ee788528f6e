// The dashboard's charts: every element with a data-figure attribute (a Plotly figure as JSON, made on
// the server by keepwise.report.chart_data) is drawn with the vendored Plotly bundle. No inline script:
// the Content-Security-Policy forbids it, so the data travels in attributes and this file draws it. A
// figure in Persian has its numbers written in Persian digits by the report's chart_digits.js, loaded before.
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") { return; }
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var figure = JSON.parse(element.getAttribute("data-figure"));
      var config = JSON.parse(element.getAttribute("data-config") || "{}");
      window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, config);
      if (typeof window.keepwiseChartDigits === "function") { window.keepwiseChartDigits(element); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
