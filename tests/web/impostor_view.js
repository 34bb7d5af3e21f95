// Draws a bakeview impostor (?sheet=URL of its JSON) with impostor_runtime.js from each direction
// of CASES.json beside it ({"cases": [{"name", "direction": [x, y, z] in the impostor's axes}],
// "distance": the camera's distance from the pivot}): an orthographic camera of the impostor's
// ortho scale looking at the pivot from that direction (up as bakeview's frames: z up, at the
// poles +y or -y), frame_size pixels a side, into a float render target. Posts to /result:
//   {"three": REVISION, "renders": {NAME: BASE64 of float32 RGBA, premultiplied linear, top row
//    first}} or {"error": MESSAGE}.
import * as THREE from "three";

import { createImpostor } from "./impostor_runtime.js";

const { send, fail, base64, topRowFirst } = window.bakeviewReport; // report.js

async function bitmap(url) {
  const blob = await (await fetch(url)).blob();  // as the file holds it: no premultiply, no colour change
  return createImageBitmap(blob, { premultiplyAlpha: "none", colorSpaceConversion: "none" });
}

async function main() {
  const url = new URLSearchParams(location.search).get("sheet");
  const folder = url.slice(0, url.lastIndexOf("/") + 1);
  const meta = await (await fetch(url)).json();
  const job = await (await fetch(folder + "cases.json")).json();
  const page = meta.frames[0];
  const colour = new THREE.Texture(await bitmap(folder + encodeURIComponent(page.colour)));
  const normalDepth = new THREE.Texture(await bitmap(folder + encodeURIComponent(page.normal_depth)));
  const renderer = new THREE.WebGLRenderer({ antialias: false, premultipliedAlpha: true });
  renderer.setPixelRatio(1);
  const scene = new THREE.Scene();
  scene.add(createImpostor(THREE, { meta, colour, normalDepth }));
  const size = meta.frame_size, half = meta.ortho_scale / 2;
  const target = new THREE.WebGLRenderTarget(size, size, { type: THREE.FloatType, depthBuffer: false });
  const [px, py, pz] = meta.pivot;
  const pivot = new THREE.Vector3(px, pz, -py);
  const report = { three: THREE.REVISION, renders: {} };
  for (const c of job.cases) {
    const [x, y, z] = c.direction;
    const camera = new THREE.OrthographicCamera(-half, half, half, -half, 0.01, 4 * job.distance);
    const forwardZ = -z;
    const up = Math.abs(forwardZ) > 0.999999 ? (forwardZ < 0 ? [0, 1, 0] : [0, -1, 0]) : [0, 0, 1];
    camera.up.set(up[0], up[2], -up[1]);
    camera.position.copy(pivot).add(new THREE.Vector3(x, z, -y).multiplyScalar(job.distance));
    camera.lookAt(pivot);
    camera.updateMatrixWorld();
    renderer.setRenderTarget(target);
    renderer.setClearColor(0x000000, 0);
    renderer.clear();
    renderer.render(scene, camera);
    const pixels = new Float32Array(4 * size * size);
    renderer.readRenderTargetPixels(target, 0, 0, size, size, pixels);  // bottom row first
    report.renders[c.name] = base64(new Uint8Array(topRowFirst(pixels, size).buffer));
  }
  renderer.setRenderTarget(null);
  await send(report);
}

main().catch(fail);
