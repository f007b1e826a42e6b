// The patrol page: a camera's photo is scaled down here (a canvas, JPEG) to at most the
// contract's 24 KiB before it is sent, shown as a preview; the original never leaves the
// browser. Delegated, so the form works again after each htmx swap.
(function () {
  "use strict";
  const SIDES = [800, 640, 480, 360, 240];
  const QUALITIES = [0.8, 0.65, 0.5, 0.4];

  function base64Bytes(b64) {
    const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
    return Math.floor(b64.length * 3 / 4) - pad;
  }

  function scaled(img, maxBytes) {
    const canvas = document.createElement("canvas");
    for (const side of SIDES) {
      const k = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
      canvas.width = Math.max(1, Math.round(img.naturalWidth * k));
      canvas.height = Math.max(1, Math.round(img.naturalHeight * k));
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      for (const q of QUALITIES) {
        const url = canvas.toDataURL("image/jpeg", q);
        const b64 = url.slice(url.indexOf(",") + 1);
        if (base64Bytes(b64) <= maxBytes) return { url, b64 };
      }
    }
    return null;
  }

  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.id !== "pt-photo") return;
    const form = input.form;
    const hidden = form.querySelector("#pt-photo-b64");
    const preview = form.querySelector("#pt-preview");
    const size = form.querySelector("#pt-photo-size");
    const button = form.querySelector("button[type=submit]");
    hidden.value = "";
    preview.hidden = true;
    size.textContent = "";
    const file = input.files && input.files[0];
    if (!file) return;
    const maxBytes = Number(input.dataset.maxBytes);
    const img = new Image();
    const objectUrl = URL.createObjectURL(file);
    button.disabled = true;
    img.onload = function () {
      const out = scaled(img, maxBytes);
      URL.revokeObjectURL(objectUrl);
      button.disabled = false;
      if (out === null) return; // left to the server, which says it is too big
      hidden.value = out.b64;
      preview.src = out.url;
      preview.hidden = false;
      size.textContent = (base64Bytes(out.b64) / 1024).toFixed(1) + " KiB";
      input.value = ""; // the scaled copy is sent, not the camera's original
      form.dataset.photoReady = "1";
    };
    img.onerror = function () {
      URL.revokeObjectURL(objectUrl);
      button.disabled = false;
    };
    img.src = objectUrl;
  });
})();
