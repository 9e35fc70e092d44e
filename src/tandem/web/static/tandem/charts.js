/* Draws the charts a page declares: <canvas data-chart="bar|radar" data-source="json-script-id">. */
(function () {
  function draw() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
      var brand = "#2f6f73", accent = "#e0a100";
      if (el.dataset.chart === "radar") {
        new Chart(el, {
          type: "radar",
          data: { labels: data.labels, datasets: [
            { label: data.targetLabel, data: data.target, borderColor: accent, backgroundColor: "rgba(224,161,0,.12)" },
            { label: data.currentLabel, data: data.current, borderColor: brand, backgroundColor: "rgba(47,111,115,.25)" }
          ]},
          options: { maintainAspectRatio: false, scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } } }
        });
      } else {
        new Chart(el, {
          type: "bar",
          data: { labels: data.labels, datasets: [{ label: data.label, data: data.values, backgroundColor: brand }] },
          options: { maintainAspectRatio: false, indexAxis: data.horizontal ? "y" : "x", plugins: { legend: { display: false } } }
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
