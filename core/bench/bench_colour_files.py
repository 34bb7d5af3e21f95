"""Benchmark: colour-managed sheet files against Blender's own (prints figures).

    blender -b --factory-startup --python core/bench/bench_colour_files.py -- --build build
    python core/bench/bench_colour_files.py --build build        (with the bpy module)

For each view transform of this Blender (without and with a look, at exposure 0 and +0.5), a
64-frame sheet of the bench sphere (1024 px emission texture, colours scaled to span 2^-8 to 4x
white) is written with colour="SRGB" (the plain curve: what every sheet was before colour
management) and colour="SCENE", and each PNG is compared on its opaque pixels with
Image.save_render of the same page (what Blender writes for that scene). Printed per setting: the
way SCENE took (LUT in C, or EXACT through save_render) and the LUT's measured error, PSNR and the
largest code difference of both files against Blender's, and the time of the sheet with each
setting (the first SCENE call of a setting samples the transform; later ones find it cached).
Timings are medians of --repeat runs."""
import argparse
import array
import math
import os
import statistics
import sys
import tempfile
import time


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="build folder holding python/bakeview")
    parser.add_argument("--frame", type=int, default=128, help="frame size in pixels")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per encoding")
    return parser.parse_args(argv)


def codes(bpy, path):
    image = bpy.data.images.load(path)
    try:
        out = array.array("f", [0.0]) * (4 * image.size[0] * image.size[1])
        image.pixels.foreach_get(out)
        return [round(v * 255.0) for v in out]
    finally:
        bpy.data.images.remove(image)


def compare(ours, theirs, page):
    """(PSNR in dB, largest difference) over the colour of pixels opaque in the page (alpha 1 to
    within the filter's rounding: where save_render, which divides float pixels by alpha, and a
    straight file agree on the colour)."""
    squared, count, worst = 0.0, 0, 0
    for p in range(0, len(ours), 4):
        if page[p + 3] < 1.0 - 1e-5:
            continue
        for k in range(3):
            d = ours[p + k] - theirs[p + k]
            squared += d * d
            worst = max(worst, abs(d))
        count += 3
    mse = squared / max(count, 1)
    return (float("inf") if mse == 0 else 10.0 * math.log10(255.0 ** 2 / mse)), worst


def main():
    args = parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    import bpy

    import bakeview
    from bakeview import display, records, viewsets

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_scene

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    sphere, _ = bench_scene.emissive_sphere(bpy)
    bakeview.bake(sphere, kind="EMIT", size=1024, margin=8)
    bake = records.baked_image(sphere)
    pixels = bakeview.pixels(bake)
    for i in range(0, len(pixels), 4):  # 2^-8 .. 4x white, by texel
        scale = 2.0 ** (-8.0 + 10.0 * ((i // 4 * 37) % 97) / 96.0)
        for k in range(3):
            pixels[i + k] *= scale
    bake.pixels.foreach_set(pixels)
    bake.update()

    views = viewsets.turntable(16, elevations=(-20.0, 10.0, 35.0, 60.0))
    folder = tempfile.mkdtemp(prefix="bakeview-colour-bench-")
    looks = {"Standard": "Medium High Contrast", "Filmic": "High Contrast", "AgX": "AgX - Punchy",
             "Khronos PBR Neutral": "Medium Contrast"}
    transforms = ["Standard", "Filmic"] + (["AgX", "Khronos PBR Neutral"]
                                           if bpy.app.version >= (4, 0, 0) else [])
    print(f"Blender {bpy.app.version_string}: {len(views)} frames of {args.frame} x {args.frame}; "
          f"PSNR and largest difference on opaque pixels against Image.save_render")
    print(f"{'transform':21s} {'look':21s} {'exp':>4s} | {'SRGB (before)':>17s} | "
          f"{'SCENE':>17s} {'way':>5s} {'LUT err':>7s} | {'ms SRGB':>8s} {'ms SCENE':>8s} "
          f"{'1st SCENE':>9s}")
    settings = scene.render.image_settings
    settings.file_format, settings.color_depth, settings.color_mode = "PNG", "8", "RGBA"

    def sheet(colour, name):
        path = os.path.join(folder, f"{name}.png")
        started = time.perf_counter()
        result = bakeview.sprite_sheet(sphere, views=views, frame_size=(args.frame, args.frame),
                                       path=path, overwrite=True, colour=colour, name=name)
        return time.perf_counter() - started, result, path

    for transform in transforms:
        for look in ("None", looks[transform]):
            for exposure in (0.0, 0.5):
                view = scene.view_settings
                view.view_transform, view.look, view.exposure = transform, look, exposure
                display._cache.clear()
                first, result, scene_path = sheet("SCENE", "scene")
                reference = os.path.join(folder, "reference.png")
                result.pages["COLOR"][0].save_render(reference, scene=scene)
                theirs = codes(bpy, reference)
                page = bakeview.pixels(result.pages["COLOR"][0])
                scene_psnr, scene_worst = compare(codes(bpy, scene_path), theirs, page)
                _, _, srgb_path = sheet("SRGB", "srgb")
                srgb_psnr, srgb_worst = compare(codes(bpy, srgb_path), theirs, page)
                times = {"SRGB": [], "SCENE": []}
                for _ in range(args.repeat):
                    for colour in ("SRGB", "SCENE"):
                        times[colour].append(sheet(colour, colour.lower())[0])
                for image in [i for i in bpy.data.images if i.name.startswith(("scene", "srgb"))]:
                    bpy.data.images.remove(image)
                chosen = display.encoding(scene, "SCENE")
                print(f"{transform:21s} {look:21s} {exposure:4.1f} | {srgb_psnr:6.1f} dB, max {srgb_worst:3d} | "
                      f"{scene_psnr:6.1f} dB, max {scene_worst:3d} {chosen.mode:>5s} {chosen.error:7.2f} | "
                      f"{statistics.median(times['SRGB']) * 1000:8.0f} "
                      f"{statistics.median(times['SCENE']) * 1000:8.0f} {first * 1000:9.0f}")


if __name__ == "__main__":
    main()
