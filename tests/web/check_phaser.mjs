// Loads a bakeview multi-page sprite sheet with Phaser 3 (load.multiatlas of its multi-pack JSON)
// in headless Chromium and prints what Phaser drew.
//
//   node tests/web/check_phaser.mjs SHEET.json [--chromium PATH] [--timeout SECONDS] [--out FILE]
//
// Serves phaser_frames.html (+ .js), Phaser from node_modules and the sheet's folder on
// http://127.0.0.1:<free port> (headless.mjs), waits for the page to post its report, and writes
// that report (JSON, see phaser_frames.js) to stdout or FILE. Exit status 0 on a report, 1 on any
// failure (the page's error, Chromium's exit, the timeout; the message and the end of Chromium's
// stderr go to stderr), 2 on bad arguments. Needs `npm ci` in tests/web first (phaser).
import path from "node:path";
import { fileURLToPath } from "node:url";

import { main } from "./headless.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PHASER_DIST = path.join(HERE, "node_modules", "phaser", "dist");

await main({
  name: "check_phaser",
  usage: "usage: node check_phaser.mjs SHEET.json [--chromium PATH] [--timeout SECONDS] [--out FILE]",
  library: path.join(PHASER_DIST, "phaser.min.js"),
  folder: HERE,
  setup: {
    page: "/phaser_frames.html",
    routes: { "/phaser_frames.html": path.join(HERE, "phaser_frames.html"),
              "/phaser_frames.js": path.join(HERE, "phaser_frames.js") },
    mounts: { "/phaser/": PHASER_DIST },
  },
});
