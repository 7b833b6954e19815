// Meetings per week (last 12 weeks): a bar chart drawn from the canvas's data-weeks JSON.
(function () {
  document.querySelectorAll("canvas[data-weeks]").forEach(function (canvas) {
    if (typeof Chart === "undefined") return;
    var weeks = JSON.parse(canvas.dataset.weeks);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: weeks.map(function (w) { return w.label; }),
        datasets: [{ label: "Meetings", data: weeks.map(function (w) { return w.meetings; }),
                     backgroundColor: "rgba(13, 110, 253, 0.6)" }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
