// The citizens' status page: the "connection lost" banner while the live stream is down.
// No libraries beyond the vendored htmx and its SSE extension; nothing from the internet.
(function () {
  "use strict";
  function setLost(lost) {
    var b = document.getElementById("lost-banner");
    if (b) { b.hidden = !lost; }
    document.body.classList.toggle("is-lost", lost);
  }
  document.body.addEventListener("htmx:sseOpen", function () { setLost(false); });
  document.body.addEventListener("htmx:sseError", function () { setLost(true); });
  document.body.addEventListener("htmx:sseClose", function () { setLost(true); });
  // A called ticket: the phone buzzes once, where it can (no sound: a hall is noisy enough).
  document.body.addEventListener("htmx:sseMessage", function () {
    var s = document.getElementById("status");
    if (!s || s.dataset.state !== "called" || s.dataset.buzzed) { return; }
    s.dataset.buzzed = "1";
    if (navigator.vibrate) { navigator.vibrate([200, 100, 200]); }
  });
})();
