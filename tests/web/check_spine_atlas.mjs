// Parses a libGDX / Spine texture atlas (.atlas) with the TextureAtlas of
// @esotericsoftware/spine-core (pinned in package.json), the parser the Spine web runtimes load
// atlases with, and prints what it made of it as JSON:
//
//   {"spine_core": VERSION, "pages": [{"name", "width", "height", "pma"}, ...],
//    "regions": [{"name", "page" (index), "x", "y", "width", "height", "offsetX", "offsetY",
//                 "originalWidth", "originalHeight", "degrees", "index", "u", "v", "u2", "v2"}]}
//
//   node tests/web/check_spine_atlas.mjs FILE.atlas
//
// Exit status 0 with the report, 1 if the parser throws (its message on stderr), 2 on bad
// arguments. Needs `npm ci` in tests/web first.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { TextureAtlas } from "@esotericsoftware/spine-core";

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error("usage: node check_spine_atlas.mjs FILE.atlas");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const version = JSON.parse(fs.readFileSync(
  path.join(here, "node_modules", "@esotericsoftware", "spine-core", "package.json"), "utf8")).version;
try {
  const atlas = new TextureAtlas(fs.readFileSync(file, "utf8"));
  const report = {
    spine_core: version,
    pages: atlas.pages.map((p) => ({ name: p.name, width: p.width, height: p.height, pma: p.pma })),
    regions: atlas.regions.map((r) => ({
      name: r.name, page: atlas.pages.indexOf(r.page), x: r.x, y: r.y, width: r.width,
      height: r.height, offsetX: r.offsetX, offsetY: r.offsetY, originalWidth: r.originalWidth,
      originalHeight: r.originalHeight, degrees: r.degrees, index: r.index,
      u: r.u, v: r.v, u2: r.u2, v2: r.v2,
    })),
  };
  process.stdout.write(JSON.stringify(report) + "\n");
} catch (error) {
  console.error(`check_spine_atlas: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
}
