// Pulse trend per check-in: pulse (0-100, left axis), self-ratings (1-5) and activity (right axis),
// drawn from the canvas's data-pulse JSON (same pattern as meetings_chart.js).
(function () {
  document.querySelectorAll("canvas[data-pulse]").forEach(function (canvas) {
    if (typeof Chart === "undefined") return;
    var rows = JSON.parse(canvas.dataset.pulse);
    function line(label, key, color, axis, dashed) {
      return { label: label, data: rows.map(function (r) { return r[key]; }), borderColor: color,
               backgroundColor: color, yAxisID: axis, tension: 0.2, borderDash: dashed ? [4, 4] : [] };
    }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [
          Object.assign(line("Pulse", "pulse", "rgb(13, 110, 253)", "y"), { borderWidth: 3 }),
          line("Finger on the pulse", "rating_pulse", "rgb(25, 135, 84)", "y2", true),
          line("Realistic view", "rating_realism", "rgb(255, 193, 7)", "y2", true),
          line("Secure in role", "rating_security", "rgb(111, 66, 193)", "y2", true),
          line("Meetings", "meetings", "rgb(108, 117, 125)", "y2"),
          line("Contacts kept", "contacts", "rgb(220, 53, 69)", "y2")
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: { min: 0, max: 100, position: "left" },
          y2: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
