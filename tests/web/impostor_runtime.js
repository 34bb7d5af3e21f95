// A bakeview impostor in three.js: a camera-facing quad that draws the impostor's atlas from any
// direction, blending the three grid frames around the view direction (Ryan Brucks' triangle
// weights) with depth-based parallax: in each frame the view ray through the quad is marched
// against the surface the frame's depth describes (marchSteps steps, then the secant), so that
// neighbouring frames line up. Reads what bakeview.impostor writes: the colour map, the normal +
// depth map and the JSON (see bakeview/impostors.py for the conventions).
//
//   import { createImpostor } from "./impostor_runtime.js";
//   const mesh = createImpostor(THREE, { meta, colour, normalDepth });  // textures: flipY false
//   scene.add(mesh);   // placed at the impostor's pivot, in three.js's axes (y up)
//
// The impostor's axes are Blender's (z up, y back); three.js's are (x, z, -y) of them. Colour is
// drawn premultiplied (blending: one, one minus source alpha), linear: the colour map's texture
// must be THREE.SRGBColorSpace, the normal + depth map's NoColorSpace.

const SHADER_COMMON = /* glsl */ `
uniform float grid;
uniform float hemisphere;
uniform float scale;
uniform float radius;
vec3 toImpostor(vec3 t) { return vec3(t.x, -t.z, t.y); }
vec3 toThree(vec3 b) { return vec3(b.x, b.z, -b.y); }
// the camera basis bakeview gives a frame looking along -d (z up; at the poles +y or -y up)
void frameBasis(vec3 d, out vec3 right, out vec3 up) {
  vec3 forward = -d;
  vec3 worldUp = vec3(0.0, 0.0, 1.0);
  if (abs(dot(forward, worldUp)) > 0.999999) worldUp = forward.z < 0.0 ? vec3(0.0, 1.0, 0.0) : vec3(0.0, -1.0, 0.0);
  right = normalize(cross(forward, worldUp));
  up = cross(right, forward);
}
`;

const VERTEX = /* glsl */ `
${SHADER_COMMON}
uniform vec3 pivot;
varying vec3 vPoint;
varying vec3 vView;
void main() {
  vec3 view = normalize(toImpostor(cameraPosition - pivot));
  vec3 right, up;
  frameBasis(view, right, up);
  vPoint = (position.x * right + position.y * up) * scale;
  vView = view;
  gl_Position = projectionMatrix * viewMatrix * vec4(pivot + toThree(vPoint), 1.0);
}
`;

const FRAGMENT = /* glsl */ `
${SHADER_COMMON}
uniform sampler2D colourMap;
uniform sampler2D normalDepthMap;
uniform float frameSize;
uniform int marchSteps;
varying vec3 vPoint;
varying vec3 vView;

vec2 signs(vec2 v) { return vec2(v.x >= 0.0 ? 1.0 : -1.0, v.y >= 0.0 ? 1.0 : -1.0); }

// a direction -> grid coordinates (col, row), the inverse of the frames' directions
vec2 gridOf(vec3 d) {
  vec2 uv;
  if (hemisphere > 0.5) {
    d.z = max(d.z, 0.0);
    d /= abs(d.x) + abs(d.y) + d.z;
    uv = vec2(d.x + d.y, d.x - d.y);
  } else {
    d /= abs(d.x) + abs(d.y) + abs(d.z);
    uv = d.z >= 0.0 ? d.xy : (1.0 - abs(d.yx)) * signs(d.xy);
  }
  return vec2((uv.x + 1.0) * 0.5, (1.0 - uv.y) * 0.5) * (grid - 1.0);
}

vec3 directionOf(vec2 cell) {
  vec2 uv = vec2(cell.x / (grid - 1.0) * 2.0 - 1.0, 1.0 - cell.y / (grid - 1.0) * 2.0);
  vec3 d;
  if (hemisphere > 0.5) {
    vec2 xy = vec2(uv.x + uv.y, uv.x - uv.y) * 0.5;
    d = vec3(xy, 1.0 - abs(xy.x) - abs(xy.y));
  } else {
    float z = 1.0 - abs(uv.x) - abs(uv.y);
    if (z < 0.0) uv = (1.0 - abs(uv.yx)) * signs(uv);
    d = vec3(uv, z);
  }
  return normalize(d);
}

// a frame's point (u right, v up, both 0..1) in the atlas (flipY false: row 0 of the image at 0)
vec2 atlasOf(vec2 cell, vec2 uv) {
  uv = clamp(uv, vec2(0.5 / frameSize), vec2(1.0 - 0.5 / frameSize));
  return vec2(cell.x + uv.x, cell.y + 1.0 - uv.y) / grid;
}

// A frame's colour where the view ray through this point of the quad meets the surface the frame's
// depth describes where the frame is mostly covered: marched from the front of the bounding sphere
// to its back, the crossing of the front faces refined by the secant (a ray that only passes
// behind them, in from the side, crosses nothing). Premultiplied.
vec4 sampleFrame(vec2 cell) {
  vec3 d = directionOf(cell);
  vec3 right, up;
  frameBasis(d, right, up);
  float before = 1e9, tBefore = radius, tHit = 0.0;
  bool hit = false;
  for (int k = 0; k <= 64; k++) {
    if (k > marchSteps) break;
    float t = radius - 2.0 * radius * float(k) / float(max(marchSteps, 1));
    vec3 point = vPoint + vView * t;
    vec2 uv = vec2(dot(point, right), dot(point, up)) / scale + 0.5;
    float depth = texture2D(normalDepthMap, atlasOf(cell, uv)).a;
    float cover = texture2D(colourMap, atlasOf(cell, uv)).a;
    bool inside = all(greaterThanEqual(uv, vec2(0.0))) && all(lessThanEqual(uv, vec2(1.0)));
    // a surface where the frame is mostly covered: depth blends towards "nothing" at silhouettes
    float gap = inside && cover >= 0.5 ? dot(point, d) - (0.5 - depth) * 2.0 * radius : 1e9;
    if (gap <= 0.0 && before > 0.0 && before < 1e8) {  // through a front face, not in from the side
      tHit = tBefore + (t - tBefore) * before / (before - gap);
      hit = true;
      break;
    }
    before = gap;
    tBefore = t;
  }
  // no crossing (an edge covered less than half, or nothing): the frame where the ray meets the
  // quad, which keeps a silhouette's partial coverage
  vec3 point = vPoint + vView * (hit ? tHit : 0.0);
  vec2 uv = vec2(dot(point, right), dot(point, up)) / scale + 0.5;
  vec4 c = texture2D(colourMap, atlasOf(cell, uv));
  return vec4(c.rgb * c.a, c.a);
}

void main() {
  vec2 g = clamp(gridOf(normalize(vView)), vec2(0.0), vec2(grid - 1.0));
  vec2 base = min(floor(g), vec2(grid - 2.0));
  vec2 f = g - base;
  vec3 weights = vec3(min(1.0 - f.x, 1.0 - f.y), abs(f.x - f.y), min(f.x, f.y));
  vec2 side = f.x > f.y ? vec2(1.0, 0.0) : vec2(0.0, 1.0);
  vec4 colour = vec4(0.0);
  if (weights.x > 1e-6) colour += weights.x * sampleFrame(base);
  if (weights.y > 1e-6) colour += weights.y * sampleFrame(base + side);
  if (weights.z > 1e-6) colour += weights.z * sampleFrame(base + 1.0);
  gl_FragColor = colour;
}
`;

export function createImpostorMaterial(THREE, { meta, colour, normalDepth }) {
  for (const texture of [colour, normalDepth]) {
    texture.magFilter = THREE.LinearFilter;
    texture.minFilter = THREE.LinearFilter;
    texture.generateMipmaps = false;
    texture.flipY = false;
    texture.needsUpdate = true;
  }
  colour.colorSpace = THREE.SRGBColorSpace;
  normalDepth.colorSpace = THREE.NoColorSpace;

  const [x, y, z] = meta.pivot;
  return new THREE.ShaderMaterial({
    uniforms: {
      colourMap: { value: colour }, normalDepthMap: { value: normalDepth },
      grid: { value: meta.grid }, hemisphere: { value: meta.layout === "HEMI_OCTAHEDRAL" ? 1 : 0 },
      scale: { value: meta.ortho_scale }, radius: { value: meta.radius },
      frameSize: { value: meta.frame_size }, pivot: { value: new THREE.Vector3(x, z, -y) },
      marchSteps: { value: 32 },
    },
    vertexShader: VERTEX, fragmentShader: FRAGMENT,
    transparent: true, premultipliedAlpha: true, depthWrite: false,
    blending: THREE.CustomBlending, blendSrc: THREE.OneFactor, blendDst: THREE.OneMinusSrcAlphaFactor,
  });
}

export function createImpostor(THREE, maps) {
  const mesh = new THREE.Mesh(new THREE.PlaneGeometry(1, 1), createImpostorMaterial(THREE, maps));
  mesh.frustumCulled = false;  // the quad moves in its shader
  return mesh;
}
