"""Benchmark: a lit 64-frame sprite sheet end to end against Cycles rendering the same frames
(issue 13's speed target: >= 20x faster; prints figures, asserts nothing).

    blender -b --factory-startup --python core/bench/bench_lit.py -- --build build
    python core/bench/bench_lit.py --build build          # the bpy module

Scene: the bundled walking robot (samples/robot_scene.py via tests/blender/lit_scenes.robot:
armature-skinned parts, a procedural painted material, a sun of 3 W/m2 and 5 degrees, a sky
world), 8 compass views (COMPASS8) x 8 frames (1, 4, ..., 22) = 64 frames of --frame pixels,
untrimmed and not deduplicated so every frame is compared.
bakeview, end to end: bake(kind="MATERIAL") (1 sample per channel) + sprite_sheet(lighting=
"SCENE", samples=4), pages in memory (no files), once per bake size (default 512 and 1024: a
512 px bake holds about a texel per pixel of a 256 px frame of the robot; 1024 is bake()'s
default).
Cycles: the same sprite_sheet with renderer="CYCLES" (render_pixels per frame, the scene's
default light paths) at the sample count whose two seeds agree to >= 40 dB
(lit_scenes.SPEED_SAMPLES["robot"], measured), seed 1, no denoising, no adaptive sampling.
Then each lit frame's PSNR against its Cycles frame (lit_scenes.psnr: the fidelity tests' PSNR,
premultiplied RGB after the sRGB curve, peak 1): median and minimum.
"""
import argparse
import os
import statistics
import sys
import time

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="build folder holding python/bakeview")
    parser.add_argument("--frame", type=int, default=256, help="frame width and height, pixels")
    parser.add_argument("--bake-sizes", default="512,1024",
                        help="MATERIAL bake sizes, comma-separated (one end-to-end run each)")
    parser.add_argument("--samples", type=int, default=None,
                        help="Cycles samples (default: lit_scenes.SPEED_SAMPLES['robot'])")
    return parser.parse_args(argv)


def frame_pixels(result, frame):
    """A sheet frame's pixels (straight RGBA floats, row 0 at the bottom) cut from its page."""
    import bakeview

    page = result.pages["COLOR"][frame["page"]]
    width, height = page.size
    pixels = bakeview.pixels(page)
    x, y, w, h = frame["frame"]
    assert not frame.get("rotated"), "frames are packed without rotation"
    out = []
    for row in range(height - y - h, height - y):  # y down in the frame table
        start = 4 * (row * width + x)
        out.extend(pixels[start:start + 4 * w])
    return out


def main():
    args = parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    sys.path.insert(0, os.path.join(_ROOT, "tests", "blender"))
    import bakeview

    import lit_scenes
    from lit_scenes import premultiply, psnr

    samples = args.samples or lit_scenes.SPEED_SAMPLES["robot"]
    lit = lit_scenes.robot()
    scene = lit.scene
    size = args.frame
    sheet = dict(objects=lit.objects, views="COMPASS8", frames=(1, 22, 3),
                 frame_size=(size, size), trim=False, dedupe=False)

    runs = []  # (bake size, bake seconds, sheet seconds, sheet)
    for bake_size in (int(v) for v in args.bake_sizes.split(",")):
        scene.frame_set(1)
        start = time.perf_counter()
        bakeview.bake(lit.objects, kind="MATERIAL", size=bake_size, overwrite=True,
                      **lit_scenes.bake_options(lit))
        bake_time = time.perf_counter() - start
        start = time.perf_counter()
        ours = bakeview.sprite_sheet(**sheet, lighting="SCENE", samples=4,
                                     name=f"lit bench {bake_size}")
        runs.append((bake_size, bake_time, time.perf_counter() - start, ours))

    scene.cycles.samples, scene.cycles.seed = samples, 1
    scene.cycles.use_denoising = scene.cycles.use_adaptive_sampling = False
    start = time.perf_counter()
    cycles = bakeview.sprite_sheet(**sheet, renderer="CYCLES", name="cycles bench")
    cycles_time = time.perf_counter() - start

    theirs = {f["name"]: f for f in cycles.frames}
    print(f"robot, 64 frames (COMPASS8 x frames 1..22 step 3), {size} x {size}")
    print(f"Cycles at {samples} samples (two seeds agree >= 40 dB): {cycles_time:.2f} s")
    for bake_size, bake_time, sheet_time, ours in runs:
        assert len(ours.frames) == len(theirs) == 64, (len(ours.frames), len(theirs))
        figures = []
        for frame in ours.frames:
            a = premultiply(frame_pixels(ours, frame))
            b = premultiply(frame_pixels(cycles, theirs[frame["name"]]))
            figures.append((psnr(a, b), frame["name"]))
        figures.sort()
        dbs = [db for db, _ in figures]
        ours_time = bake_time + sheet_time
        print(f"bakeview lit, {bake_size} px bake: MATERIAL bake {bake_time:.2f} s + sheet "
              f"{sheet_time:.2f} s = {ours_time:.2f} s; speed-up {cycles_time / ours_time:.1f}x "
              f"(target >= 20x); PSNR per frame median {statistics.median(dbs):.1f} dB, min "
              f"{dbs[0]:.1f} dB ({figures[0][1]}), max {dbs[-1]:.1f} dB")


if __name__ == "__main__":
    main()
