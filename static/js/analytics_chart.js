// The analytics page: each canvas carries its chart as JSON (labels and datasets); the same
// figures are in the table under it. Colours follow the colour mode.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var PALETTE = ["#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"];
  var styles = getComputedStyle(document.documentElement);
  Chart.defaults.color = styles.getPropertyValue("--bs-body-color").trim() || "#212529";
  Chart.defaults.borderColor = styles.getPropertyValue("--bs-border-color").trim() || "#dee2e6";
  Chart.defaults.font.family = styles.getPropertyValue("--bs-body-font-family").trim();
  document.querySelectorAll("canvas[data-analytics-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-analytics-chart"));
    new Chart(canvas, {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, i) {
          var colour = PALETTE[i % PALETTE.length];
          return {
            label: set.label,
            data: set.data,
            backgroundColor: colour,
            borderColor: colour,
            spanGaps: true,
            tension: 0.2
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
