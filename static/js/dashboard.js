// Ops dashboard charts (Chart.js, vendored). Data comes from the page's json_script block.
(function () {
  "use strict";
  var palette = ["#1557c0", "#1f9d3a", "#c27c0e", "#a31515", "#6b4fbb", "#0e7c86", "#7a7a7a", "#d94f8a", "#3d3d99", "#8a6d3b", "#2f6f4f", "#b35900", "#555"];
  function color(i) { return palette[i % palette.length]; }
  function make(id, config) {
    var el = document.getElementById(id);
    if (!el) return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    new Chart(el, config);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var data = JSON.parse(document.getElementById("dashboard-data").textContent);
    make("chart-orders", {
      type: "bar",
      data: { labels: data.hours, datasets: data.orders.map(function (s, i) { return { label: s.label, data: s.data, backgroundColor: color(i) }; }) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } }
    });
    make("chart-rates", {
      type: "line",
      data: { labels: data.hours, datasets: data.rates.map(function (s, i) { return { label: s.label, data: s.data, borderColor: color(i), backgroundColor: color(i), tension: 0.2 }; }) },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } }
    });
    make("chart-holds", {
      type: "bar",
      data: { labels: data.holds.labels, datasets: [{ label: "Open holds", data: data.holds.data, backgroundColor: data.holds.labels.map(function (_, i) { return color(i + 3); }) }] },
      options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }
    });
    make("chart-sync", {
      type: "bar",
      data: { labels: data.sync.labels, datasets: [
        { label: "Backlog (unsent changes)", data: data.sync.backlog, backgroundColor: color(0), yAxisID: "y" },
        { label: "Lag (seconds)", data: data.sync.lag, backgroundColor: color(2), yAxisID: "y1" }
      ] },
      options: { scales: { y: { beginAtZero: true, position: "left", ticks: { precision: 0 } }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } }, plugins: { legend: { position: "bottom" } } }
    });
  });
})();
