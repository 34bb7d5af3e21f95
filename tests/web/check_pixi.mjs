// Loads a bakeview sprite sheet with PixiJS in headless Chromium and prints what PixiJS drew.
//
//   node tests/web/check_pixi.mjs SHEET.json [--chromium PATH] [--timeout SECONDS] [--out FILE]
//
// Serves pixi_frames.html (+ .js), PixiJS from node_modules and the sheet's folder on
// http://127.0.0.1:<free port> (headless.mjs), waits for the page to post its report, and writes
// that report (JSON, see pixi_frames.js) to stdout or FILE. Exit status 0 on a report, 1 on any
// failure (the page's error, Chromium's exit, the timeout; the message and the end of Chromium's
// stderr go to stderr), 2 on bad arguments. Needs `npm ci` in tests/web first (pixi.js).
import path from "node:path";
import { fileURLToPath } from "node:url";

import { main } from "./headless.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PIXI_DIST = path.join(HERE, "node_modules", "pixi.js", "dist");

await main({
  name: "check_pixi",
  usage: "usage: node check_pixi.mjs SHEET.json [--chromium PATH] [--timeout SECONDS] [--out FILE]",
  library: path.join(PIXI_DIST, "pixi.min.js"),
  folder: HERE,
  setup: {
    page: "/pixi_frames.html",
    routes: { "/pixi_frames.html": path.join(HERE, "pixi_frames.html"),
              "/pixi_frames.js": path.join(HERE, "pixi_frames.js") },
    mounts: { "/pixi/": PIXI_DIST },
  },
});
