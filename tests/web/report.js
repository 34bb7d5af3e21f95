// The page side of headless.mjs's protocol, for every test page: the report (or the first error,
// thrown or rejected anywhere on the page) is posted once to /result as JSON. Loaded before the
// page's own script, which takes send, fail, base64 and topRowFirst from window.bakeviewReport.
"use strict";

window.bakeviewReport = (function () {
  let sent = false;

  function send(body) {
    if (sent) return Promise.resolve();
    sent = true;
    return fetch("/result", { method: "POST", headers: { "Content-Type": "application/json" },
                              body: JSON.stringify(body) });
  }

  function fail(error) {
    return send({ error: String((error && error.stack) || error) });
  }

  // 8-bit pixels as base64, in slices small enough for String.fromCharCode's argument list
  function base64(bytes) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  // WebGL's readPixels (bottom row first) turned into rows top-down, as the reports hold them
  function topRowFirst(pixels, height) {
    const rows = new pixels.constructor(pixels.length);
    const stride = pixels.length / height;
    for (let y = 0; y < height; y++) {
      rows.set(pixels.subarray(stride * (height - 1 - y), stride * (height - y)), stride * y);
    }
    return rows;
  }

  window.addEventListener("error", (event) => fail(event.error || event.message));
  window.addEventListener("unhandledrejection", (event) => fail(event.reason));
  return { send, fail, base64, topRowFirst, get sent() { return sent; } };
})();
