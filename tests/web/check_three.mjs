// Lights bakeview's normal sheets with three.js in headless Chromium, as a game lights a sprite,
// and prints the pixels three.js draws.
//
//   node tests/web/check_three.mjs JOB.json [--chromium PATH] [--timeout SECONDS] [--out FILE]
//
// JOB.json (beside the sheets it names) says what to draw:
//   {"light": [x, y, z],                      the direction toward a white directional light, in
//                                             the camera's space (x right, y up, z toward it)
//    "renders": [{"image": "NAME-normal.png", "width": W, "height": H, "normal_scale": [sx, sy]}]}
// Each render is a W x H plane facing an orthographic camera that fills a W x H render target,
// MeshLambertMaterial (white) with the image as its tangent-space normalMap (normalScale sx, sy:
// three.js reads green up; (1, -1) reads green down), lit by the light at intensity pi, so that a
// pixel is max(0, n . l) x 255 (three.js divides Lambert by pi), linear (a render target: no
// output colour transform), nearest texel at each pixel centre. The report (JSON, see
// three_light.js) holds the pixels of each render. Serves three_light.html (+ .js), three.js from
// node_modules and the job's folder on http://127.0.0.1:<free port> (headless.mjs). Exit status 0
// on a report, 1 on any failure, 2 on bad arguments. Needs `npm ci` in tests/web first (three).
import path from "node:path";
import { fileURLToPath } from "node:url";

import { main } from "./headless.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const THREE_BUILD = path.join(HERE, "node_modules", "three", "build");

await main({
  name: "check_three",
  usage: "usage: node check_three.mjs JOB.json [--chromium PATH] [--timeout SECONDS] [--out FILE]",
  library: path.join(THREE_BUILD, "three.module.js"),
  folder: HERE,
  setup: {
    page: "/three_light.html",
    routes: { "/three_light.html": path.join(HERE, "three_light.html"),
              "/three_light.js": path.join(HERE, "three_light.js") },
    mounts: { "/three/": THREE_BUILD },
  },
});
