// Lights each normal sheet of a job (?sheet=URL of its JSON, see check_three.mjs) with three.js as
// a game lights a sprite and posts the pixels, or {"error": MESSAGE}:
//
//   {"three": REVISION, "renderer": "webgl2", "gl_renderer": "...",
//    "renders": [{"width", "height", "rgba": BASE64 (top row first, 8-bit RGBA)}]}
import * as THREE from "three";

const { send, fail, base64, topRowFirst } = window.bakeviewReport; // report.js

async function main() {
  const url = new URLSearchParams(location.search).get("sheet");
  if (!url) throw new Error("no ?sheet=URL (the job)");
  const job = await (await fetch(url)).json();
  const folder = url.slice(0, url.lastIndexOf("/") + 1);
  const renderer = new THREE.WebGLRenderer({ antialias: false });
  renderer.setPixelRatio(1);
  const gl = renderer.getContext();
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const report = {
    three: THREE.REVISION, renderer: renderer.capabilities.isWebGL2 ? "webgl2" : "webgl",
    gl_renderer: info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : null, renders: [],
  };
  const loader = new THREE.TextureLoader();
  for (const r of job.renders) {
    const { width, height } = r;
    const texture = await loader.loadAsync(folder + encodeURIComponent(r.image));
    // a data texture: no colour space, one texel per pixel, no mipmaps
    texture.colorSpace = THREE.NoColorSpace;
    texture.magFilter = THREE.NearestFilter;
    texture.minFilter = THREE.NearestFilter;
    texture.generateMipmaps = false;
    const material = new THREE.MeshLambertMaterial({
      color: 0xffffff, normalMap: texture, normalScale: new THREE.Vector2(...r.normal_scale),
    });
    const scene = new THREE.Scene();
    scene.add(new THREE.Mesh(new THREE.PlaneGeometry(width, height), material));
    const camera = new THREE.OrthographicCamera(-width / 2, width / 2, height / 2, -height / 2, 0.1, 100);
    camera.position.set(0, 0, 10);
    const light = new THREE.DirectionalLight(0xffffff, Math.PI);
    light.position.set(...job.light); // shines from there toward its target at the origin
    scene.add(light);
    const target = new THREE.WebGLRenderTarget(width, height, { depthBuffer: true });
    renderer.setRenderTarget(target);
    renderer.setClearColor(0x000000, 0);
    renderer.clear();
    renderer.render(scene, camera);
    const pixels = new Uint8Array(4 * width * height);
    renderer.readRenderTargetPixels(target, 0, 0, width, height, pixels); // bottom row first
    report.renders.push({ width, height, rgba: base64(topRowFirst(pixels, height)) });
    renderer.setRenderTarget(null);
    target.dispose();
    texture.dispose();
    material.dispose();
  }
  await send(report);
}

main().catch(fail);
