// The progress bar of a generated document: polls the job's status until it is done or failed,
// then shows the download link (or the reason it failed).
(function () {
  "use strict";
  var card = document.getElementById("document-job");
  if (!card) { return; }
  var url = card.getAttribute("data-status-url");
  function show(id, visible) { document.getElementById(id).hidden = !visible; }
  function update(state) {
    var bar = document.getElementById("document-progress");
    bar.value = state.progress;
    bar.textContent = state.progress + "%";
    document.getElementById("document-percent").textContent = state.progress + "%";
    document.getElementById("document-status").textContent = state.status_label;
    card.setAttribute("data-status", state.status);
    var finished = state.status === "done" || state.status === "failed" || state.status === "expired";
    show("document-waiting", !finished);
    if (state.status === "done") {
      document.getElementById("document-download").href = state.download_url;
      document.getElementById("document-file-name").textContent = state.file_name;
      show("document-ready", true);
    }
    if (state.status === "expired") { show("document-expired", true); }
    if (state.status === "failed") {
      document.getElementById("document-error-text").textContent = state.error;
      show("document-error", true);
    }
    return finished;
  }
  function poll(delay) {
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (state === null) { poll(Math.min(delay * 2, 10000)); return; }
          if (!update(state)) { poll(1000); }
        })
        .catch(function () { poll(Math.min(delay * 2, 10000)); });
    }, delay);
  }
  var status = card.getAttribute("data-status");
  if (status === "queued" || status === "running") { poll(700); }
})();
