// Opens a bakeview preview page (NAME-preview.html) in headless Chromium and prints what it
// played, and what Chromium decodes from its animated PNGs.
//
//   node tests/web/check_preview.mjs NAME-preview.html [--chromium PATH] [--timeout SECONDS] [--out FILE]
//
// Serves preview_probe.html (+ .js) and the page's folder on http://127.0.0.1:<free port>
// (headless.mjs); the probe opens the page in a frame, waits until every animation has played its
// frames twice and writes its report (JSON, see preview_probe.js) to stdout or FILE. Exit status
// 0 on a report, 1 on any failure, 2 on bad arguments. Needs nothing from npm.
import path from "node:path";
import { fileURLToPath } from "node:url";

import { main } from "./headless.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

await main({
  name: "check_preview",
  usage: "usage: node check_preview.mjs NAME-preview.html [--chromium PATH] [--timeout SECONDS] [--out FILE]",
  library: path.join(HERE, "preview_probe.js"),
  folder: HERE,
  setup: {
    page: "/preview_probe.html",
    routes: { "/preview_probe.html": path.join(HERE, "preview_probe.html"),
              "/preview_probe.js": path.join(HERE, "preview_probe.js") },
    mounts: {},
  },
});
