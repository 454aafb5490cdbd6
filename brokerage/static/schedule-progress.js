// Live progress of a schedule run: polls the run's progress.json every second and updates the
// figures and the progress bar. When the run ends, reloads once so the page shows the result.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || box.dataset.active !== "true") return;
  var url = box.dataset.progressUrl;
  var bar = box.querySelector("[role=progressbar]");
  var fill = bar ? bar.querySelector(".progress-bar") : null;

  function show(name, value) {
    var node = box.querySelector('[data-field="' + name + '"]');
    if (node) node.textContent = value === null || value === undefined ? "\u2013" : String(value);
  }

  function update(data) {
    show("state_label", data.state_label);
    show("phase", data.phase);
    show("elapsed", Math.round(data.elapsed));
    show("time_limit", Math.round(data.time_limit));
    show("scheduled", data.scheduled);
    show("weight", data.weight);
    show("breaks", data.breaks);
    show("bound", data.bound === null ? null : Math.round(data.bound));
    if (bar && fill) {
      bar.setAttribute("aria-valuenow", data.percent);
      bar.setAttribute("aria-valuetext", Math.round(data.elapsed) + " of " + Math.round(data.time_limit) + " seconds");
      fill.style.width = data.percent + "%";
      fill.textContent = data.percent + "%";
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (data.active) {
          window.setTimeout(poll, 1000);
        } else {
          show("announce", "The run has ended: " + data.state_label + ".");
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // a network hiccup: try again, more slowly
      });
  }
  window.setTimeout(poll, 1000);
})();
