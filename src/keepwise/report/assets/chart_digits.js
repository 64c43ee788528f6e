// Charts in the reader's digits. plotly.js writes every number it draws (ticks, hover labels, colour scales)
// with the digits 0-9, whatever the language. A figure whose layout.meta names other digits (Persian: the
// server sets them, keepwise.report.charts) has each text plotly.js draws rewritten with them once drawn:
// after each plot, zoom or pan, and hover. Its decimal and group separators are the layout's `separators`.
(function () {
  "use strict";
  function rewrite(graph, digits, percent) {
    var walker = document.createTreeWalker(graph, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.replace(/[0-9]/g, function (digit) { return digits.charAt(Number(digit)); });
      if (percent) { text = text.replace(/%/g, percent); }
      if (text !== node.nodeValue) { node.nodeValue = text; }
    }
  }
  // Called with each chart's element once Plotly.newPlot has been called on it.
  window.keepwiseChartDigits = function (graph) {
    var meta = (graph.layout && graph.layout.meta) || {};
    if (!meta.digits || typeof graph.on !== "function") { return; }
    var again = function () { rewrite(graph, meta.digits, meta.percent); };
    graph.on("plotly_afterplot", again);
    graph.on("plotly_hover", again);
    again();
  };
}());
