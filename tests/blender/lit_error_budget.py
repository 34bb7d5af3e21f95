"""Where a lit view's error against Cycles comes from (issue 13): the lamps, the world, indirect
light. Not a test (slow: six Cycles renders a view); run it to print the table and write
difference images:

    blender -b --factory-startup --python tests/blender/lit_error_budget.py -- --build build \
        [--scenes shadow,point,area,spot,head_matte] [--images /tmp/lit_budget] [--ao] \
        [--shadow-map-size 2048]
    python tests/blender/lit_error_budget.py --build build ...     # a Python with the bpy module

Cycles renders each view four times: default light paths ("full"), and with max_bounces = 0
(direct light only) with lamps and world ("full0"), lamps only (world strength 0: "lamps0") and
world only (lamps hidden: "world0"); its indirect light is full - full0. Ours renders with the
scene's lighting, with the world's strength 0 and with the lamps hidden. Per view, PSNR
(lit_scenes.psnr: premultiplied, sRGB, peak 1) against Cycles full of:
- ours:    our view as it is (the tests' figure);
- bounce:  Cycles full0: what leaving out indirect light costs by itself;
- +ind:    ours + Cycles' indirect light (indirect light put right);
- +occ:    our lamps + Cycles' world0 (the world's direct light put right: its occlusion);
- +lamps:  Cycles' lamps0 + our world (the lamps' direct light put right: falloff, shadows);
- lamps, world, ind: two of the three put right, the named one left ours (ind: Cycles lamps0 +
           world0, no indirect): what that component alone costs.
The shadow scene also gets each figure over the pixels in the box's shadow (the tests' mask).

Images (--images DIR): per view a PNG of rows full / lamps0 / world0, each row Cycles | ours |
difference (ours - Cycles in display values x 4 about grey: red where ours is brighter, blue
where darker), and a last row Cycles default | Cycles bounce 0 | their difference x 4.
With --ao the objects also get an AO bake (bake(kind="AO")) before the MATERIAL bake, which
lit views use as the world's occlusion when it is there.
"""
import math
import os
import struct
import sys
import zlib

import bpy

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import lit_scenes  # noqa: E402
from lit_scenes import SIZE, cycles_reference, display_rgb, premultiply, psnr  # noqa: E402

SCALE = 3  # image pixels per view pixel
FIGURES = ("ours", "bounce", "+ind", "+occ", "+lamps", "lamps", "world", "ind")


def _sum(*images):
    return [sum(values) for values in zip(*images)]


def _figures(r):
    """dB against Cycles (default light paths) of our view with components put right: Cycles'
    indirect light is full - full0; its lamps' and world's direct light, lamps0 and world0."""
    indirect = [a - b for a, b in zip(r["cycles full"], r["cycles full0"])]
    reference = r["cycles full"]
    images = {
        "ours": r["ours full"],
        "bounce": r["cycles full0"],
        "+ind": _sum(r["ours full"], indirect),
        "+occ": _sum(r["ours lamps"], r["cycles world0"]),
        "+lamps": _sum(r["cycles lamps0"], r["ours world"]),
        "lamps": _sum(r["ours lamps"], r["cycles world0"], indirect),
        "world": _sum(r["cycles lamps0"], r["ours world"], indirect),
        "ind": _sum(r["cycles lamps0"], r["cycles world0"]),
    }
    return {k: psnr(v, reference) for k, v in images.items()}


# -- the scene's switches ----------------------------------------------------------------------


def _background(scene):
    tree = scene.world.node_tree
    return next(n for n in tree.nodes if n.type == "BACKGROUND")


class _Setting:
    """The scene with its world's strength, its lamps and Cycles' bounces switched."""

    def __init__(self, scene):
        self.scene = scene
        self.strength = _background(scene).inputs["Strength"].default_value
        self.bounces = scene.cycles.max_bounces
        self.lamps = [o for o in scene.objects if o.type == "LIGHT"]

    def set(self, world=True, lamps=True, bounces=True):
        _background(self.scene).inputs["Strength"].default_value = self.strength if world else 0.0
        for lamp in self.lamps:
            lamp.hide_render = not lamps
        self.scene.cycles.max_bounces = self.bounces if bounces else 0

    def reset(self):
        self.set()


SHADOW_MAP_SIZE = None  # None: the core's default for the view's size


def _ours(lit, camera, frame):
    import bakeview
    from bakeview.lighting import scene_lighting

    lit.scene.frame_set(frame)
    lighting = "SCENE"
    if SHADOW_MAP_SIZE:  # the scene's lighting as a rig, to set the shadow maps' size
        found = scene_lighting(lit.scene, bpy.context.evaluated_depsgraph_get())
        lighting = {"lights": list(found.lights), "world": dict(found.world),
                    "shadow_map_size": SHADOW_MAP_SIZE}
    view = bakeview.render_view(camera=camera, objects=lit.objects, width=SIZE, height=SIZE,
                                lighting=lighting, samples=4)
    out = premultiply(bakeview.pixels(view))
    bpy.data.images.remove(view)
    return out


def _shadow_mask(lit, camera, samples):
    """Pixels the box darkens by its shadow (test_lit_fidelity's mask)."""
    box = bpy.data.objects["Box"]
    with_shadow = cycles_reference(lit.scene, camera, 1, samples, 1)
    box.visible_shadow = False
    try:
        without = cycles_reference(lit.scene, camera, 1, samples, 1)
    finally:
        box.visible_shadow = True
    return [i for i in range(SIZE * SIZE) if without[4 * i + 1] - with_shadow[4 * i + 1] > 0.05]


def _pick(pixels, inside):
    return [pixels[4 * i + k] for i in inside for k in range(4)]


# -- images --------------------------------------------------------------------------------------


def _display(pixels):
    """Display RGB rows, top first, of a premultiplied RGBA view (row 0 at the bottom)."""
    flat = display_rgb(pixels)
    rows = [flat[3 * SIZE * r:3 * SIZE * (r + 1)] for r in range(SIZE)]
    return rows[::-1]


def _difference(a, b, gain=4.0):
    """ours - reference in display values: grey 0.5, red where a is brighter, blue darker."""
    out = []
    for ra, rb in zip(_display(a), _display(b)):
        row = []
        for x in range(SIZE):
            d = sum(ra[3 * x + k] - rb[3 * x + k] for k in range(3)) / 3.0 * gain
            d = max(-0.5, min(0.5, d))
            row += [0.5 + d, 0.5 - abs(d), 0.5 - d]
        out.append(row)
    return out


def _write_png(path, tiles):
    """tiles: rows of tiles, each tile display RGB rows (SIZE x SIZE), top first."""
    height = len(tiles) * SIZE * SCALE + (len(tiles) - 1) * 2
    width = max(len(r) for r in tiles) * (SIZE * SCALE + 2) - 2
    lines = []
    for t, row_tiles in enumerate(tiles):
        if t:
            lines += [bytes(3 * width)] * 2
        for y in range(SIZE):
            line = bytearray()
            for k, tile in enumerate(row_tiles):
                if k:
                    line += bytes(6)
                for x in range(SIZE):
                    pixel = bytes(int(max(0.0, min(1.0, c)) * 255 + 0.5)
                                  for c in tile[y][3 * x:3 * x + 3])
                    line += pixel * SCALE
            line += bytes(3 * width - len(line))
            lines += [bytes(line)] * SCALE
    raw = b"".join(b"\0" + line for line in lines)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


# -- the budget ----------------------------------------------------------------------------------


def budget(name, cameras=None, images=None, ao=False, ao_samples=64, renders_out=None):
    """{(camera, frame): {figure: dB}} for the scene `name` (lit_scenes.SCENES), plus "shadow:"
    figures over the box's shadow for the shadow scene. cameras: how many of the scene's cameras
    (default all). renders_out: a dict that gets each view's renders (premultiplied RGBA lists,
    row 0 at the bottom), keyed (camera, frame) then "ours full", "cycles lamps0", ..."""
    import bakeview

    lit = lit_scenes.SCENES[name]()
    views = [(c, f) for c in lit.cameras[:cameras] for f in lit.frames]
    samples = lit_scenes.REFERENCE_SAMPLES[name]
    setting = _Setting(lit.scene)
    lit.scene.frame_set(lit.frames[0])
    if ao:
        bakeview.bake(lit.objects, kind="AO", size=512, samples=ao_samples,
                      **lit_scenes.bake_options(lit))
    bakeview.bake(lit.objects, kind="MATERIAL", size=512, **lit_scenes.bake_options(lit))
    results = {}
    for camera, frame in views:
        renders = {}
        for key, switches in (("full", {}), ("lamps", {"world": False}),
                              ("world", {"lamps": False})):
            setting.set(**switches)
            renders["ours " + key] = _ours(lit, camera, frame)
            setting.set(bounces=False, **switches)
            renders["cycles " + key + "0"] = cycles_reference(lit.scene, camera, frame, samples, 1)
        setting.reset()
        renders["cycles full"] = cycles_reference(lit.scene, camera, frame, samples, 1)
        figures = _figures(renders)
        if name == "shadow":
            inside = _shadow_mask(lit, camera, samples)
            pick = {k: _pick(v, inside) for k, v in renders.items()}
            figures.update({"shadow:" + k: v for k, v in _figures(pick).items()})
        results[(camera.name, frame)] = figures
        if renders_out is not None:
            renders_out[(camera.name, frame)] = renders
        if images:
            os.makedirs(images, exist_ok=True)
            tiles = []
            for ours, ref in (("ours full", "cycles full"), ("ours lamps", "cycles lamps0"),
                              ("ours world", "cycles world0"), ("cycles full0", "cycles full")):
                tiles.append([_display(renders[ref]), _display(renders[ours]),
                              _difference(renders[ours], renders[ref])])
            tag = f"{name}_{camera.name.replace(' ', '_')}_{frame}" + ("_ao" if ao else "")
            _write_png(os.path.join(images, tag + ".png"), tiles)
    return results


def main():
    import argparse

    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--scenes", default="shadow,point,area,spot,head_matte")
    parser.add_argument("--images", default=None)
    parser.add_argument("--ao", action="store_true")
    parser.add_argument("--shadow-map-size", type=int, default=None)
    args = parser.parse_args(argv)
    global SHADOW_MAP_SIZE
    SHADOW_MAP_SIZE = args.shadow_map_size
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    print(f"{'view':<28}" + "".join(f"{c:>8}" for c in FIGURES), flush=True)
    for name in args.scenes.split(","):
        # a head is a control: its first compass camera is enough
        results = budget(name, cameras=1 if name.startswith("head_") else None,
                         images=args.images, ao=args.ao)
        for (camera, frame), figures in results.items():
            print(f"{name + ' ' + camera + '@' + str(frame):<28}"
                  + "".join(f"{figures[c]:8.1f}" for c in FIGURES), flush=True)
            if "shadow:ours" in figures:
                print(f"{'  in the shadow':<28}"
                      + "".join(f"{figures['shadow:' + c]:8.1f}" for c in FIGURES), flush=True)


if __name__ == "__main__":
    main()
