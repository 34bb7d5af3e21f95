// Draws a bakeview impostor with three.js (impostor_runtime.js) in headless Chromium from the
// directions of CASES.json beside its JSON, and prints the pixels (see impostor_view.js).
//
//   node tests/web/check_impostor.mjs IMPOSTOR.json [--chromium PATH] [--timeout SECONDS] [--out FILE]
//
// Serves impostor_view.html (+ .js), the runtime, three.js from node_modules and the impostor's
// folder on http://127.0.0.1:<free port> (headless.mjs). Exit status 0 on a report, 1 on any
// failure, 2 on bad arguments. Needs `npm ci` in tests/web first (three).
import path from "node:path";
import { fileURLToPath } from "node:url";

import { main } from "./headless.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const THREE_BUILD = path.join(HERE, "node_modules", "three", "build");

await main({
  name: "check_impostor",
  usage: "usage: node check_impostor.mjs IMPOSTOR.json [--chromium PATH] [--timeout SECONDS] [--out FILE]",
  library: path.join(THREE_BUILD, "three.module.js"),
  folder: HERE,
  setup: {
    page: "/impostor_view.html",
    routes: { "/impostor_view.html": path.join(HERE, "impostor_view.html"),
              "/impostor_view.js": path.join(HERE, "impostor_view.js"),
              "/impostor_runtime.js": path.join(HERE, "impostor_runtime.js") },
    mounts: { "/three/": THREE_BUILD },
  },
});
