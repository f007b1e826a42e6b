// The console's own script: the "connection lost" banner, F-keys, elapsed times. No libraries
// beyond the vendored htmx and its SSE extension; nothing is fetched from the internet.
(function () {
  "use strict";
  var banner = function () { return document.getElementById("lost-banner"); };
  function setLost(lost) {
    var b = banner();
    if (b) { b.hidden = !lost; }
    document.body.classList.toggle("is-lost", lost);
  }
  document.body.addEventListener("htmx:sseOpen", function () { setLost(false); });
  document.body.addEventListener("htmx:sseError", function () { setLost(true); });
  document.body.addEventListener("htmx:sseClose", function () { setLost(true); });

  // F1–F8 press the caller's buttons; a disabled button (a command in flight) ignores them.
  document.addEventListener("keydown", function (ev) {
    if (!/^F[1-8]$/.test(ev.key)) { return; }
    var button = document.querySelector('button[data-key="' + ev.key + '"]');
    if (!button) { return; }
    ev.preventDefault();
    if (button.disabled) { return; }
    var needs = button.id === "btn-transfer" ? document.getElementById("transfer-service") : null;
    if (needs && !needs.value) { needs.focus(); return; }
    button.click();
  });

  // The notice preview: the typed text as the hall screen's ticker shows it (textContent, so
  // markup stays text exactly as the screen shows it).
  document.addEventListener("input", function (ev) {
    if (!ev.target || ev.target.id !== "notice-text") { return; }
    var preview = document.getElementById("notice-preview");
    if (!preview) { return; }
    preview.textContent = ev.target.value.trim() || preview.dataset.empty;
  });

  // A held or skipped ticket's chip (in a live region, swapped at any time) presses a button
  // that is never swapped, so a reply is never lost with the element that asked for it.
  document.addEventListener("click", function (ev) {
    var chip = ev.target.closest ? ev.target.closest("[data-chip]") : null;
    if (!chip) { return; }
    var button = document.getElementById(chip.dataset.chip);
    var field = document.getElementById("chip-ticket");
    if (!button || !field || button.disabled) { return; }
    field.value = chip.dataset.ticket;
    button.click();
  });

  // Elapsed times: the server renders the hall time it had (data-now); the browser counts on.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var zh = document.documentElement.lang !== "en";
    document.querySelectorAll(".since[data-since]").forEach(function (el) {
      if (!el.dataset.since) { return; }
      if (!el.dataset.base) { el.dataset.base = String(Date.now()); }
      var ms = Date.parse(el.dataset.now) - Date.parse(el.dataset.since)
        + (Date.now() - Number(el.dataset.base));
      var s = Math.max(0, Math.floor(ms / 1000));
      var m = Math.floor(s / 60);
      if (el.dataset.fmt === "clock") {
        el.textContent = pad(Math.floor(m / 60)) + ":" + pad(m % 60) + ":" + pad(s % 60);
      } else {
        el.textContent = zh ? m + " 分钟" : m + " min";
      }
      if (el.dataset.warn) {
        var row = el.closest("tr");
        if (row) { row.classList.toggle("over", m >= Number(el.dataset.warn)); }
      }
    });
  }
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", tick);
  document.body.addEventListener("htmx:sseMessage", tick);
  tick();
})();
