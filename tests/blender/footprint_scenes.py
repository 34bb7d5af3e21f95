"""Scenes where a pixel's texture footprint matters (issue 14): ground planes seen at grazing
angles, a magnified close-up, a non-square non-power-of-two texture and a UV sphere's seam.

Each builder starts from a factory-empty file and returns (scene, objects to bake). The textures
are emission (so Cycles' pixel is the texture integrated over the pixel filter, nothing else) and
full of detail at one texel: tiles of 8 texels with one-texel grout lines and diagonal stripes.
The Cycles references are test_fidelity's (Standard view transform, transparent film, EXR, no
denoising or adaptive sampling); REFERENCE_SAMPLES holds, per scene, the samples at which two
seeds agree to >= 46 dB, measured at SIZE by running this file:
    blender -b --factory-startup --python tests/blender/footprint_scenes.py -- --build build
"""
import math
import os
import sys

import bpy

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

SIZE = (128, 96)
REFERENCE_SAMPLES = {"grazing_10": 1024, "grazing_4": 2048, "magnified": 256, "npot": 1024,
                     "sphere_seam": 512}
SCENES = tuple(REFERENCE_SAMPLES)


def tiles_texture(name, width, height):
    """Tiles of 8 x 8 texels in hashed colours, one-texel grout lines, blue diagonal stripes."""
    import array
    pixels = array.array("f", bytes(16 * width * height))
    for y in range(height):
        for x in range(width):
            i = 4 * (y * width + x)
            tile = (x // 8) * 7919 + (y // 8) * 104729
            if x % 8 == 0 or y % 8 == 0:
                r = g = 0.05
            else:
                r = 0.25 + 0.7 * ((tile * 2654435761) % 1000) / 1000.0
                g = 0.25 + 0.7 * ((tile * 40503) % 1000) / 1000.0
            b = 0.9 if (x + y) % 6 < 2 else 0.2
            pixels[i:i + 4] = array.array("f", (r, g, b, 1.0))
    image = bpy.data.images.new(name, width, height, float_buffer=True, alpha=True)
    image.pixels.foreach_set(pixels)
    image.pack()
    return image


def emissive(obj, image):
    """test_fidelity's emissive material (imported late: it imports bakeview, which main() first
    puts on sys.path when this file runs as a script)."""
    from test_fidelity import emissive as fidelity_emissive
    return fidelity_emissive(obj, image)


def _ground(name, size_x, size_y, image):
    bpy.ops.mesh.primitive_plane_add(size=1.0, location=(0.0, size_y / 2.0, 0.0))
    obj = bpy.context.active_object
    obj.name = name
    obj.scale = (size_x, size_y, 1.0)
    bpy.ops.object.transform_apply(scale=True)
    return emissive(obj, image)


def _camera(scene, location, pitch_degrees, lens=35.0):
    bpy.ops.object.camera_add(location=location, rotation=(math.radians(pitch_degrees), 0.0, 0.0))
    camera = bpy.context.active_object
    camera.data.lens = lens
    scene.camera = camera
    return camera


def build(name):
    """The scene `name` (one of SCENES) in a factory-empty file: (scene, objects to bake)."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.resolution_x, scene.render.resolution_y = SIZE
    scene.render.resolution_percentage = 100
    if name in ("grazing_10", "grazing_4"):
        # a ground 8 x 40 units under a 512 x 512 texture, from 1 or 0.4 units up, looking 10 or
        # 4 degrees down: the far half is minified tens of times, mostly along the view
        height, pitch = (1.0, 80.0) if name == "grazing_10" else (0.4, 86.0)
        objects = [_ground("Ground", 8.0, 40.0, tiles_texture("ground tiles", 512, 512))]
        _camera(scene, (0.0, -1.0, height), pitch)
    elif name == "magnified":
        # a 48 x 32 texture on a 2 x 1.5 plane filling the view: each texel several pixels wide
        objects = [_ground("Card", 2.0, 1.5, tiles_texture("card tiles", 48, 32))]
        _camera(scene, (0.0, -0.6, 1.4), 30.0)
    elif name == "npot":
        # a 300 x 180 texture (mip levels of odd sizes) on a plane at 75 degrees
        objects = [_ground("Ground", 6.0, 12.0, tiles_texture("npot tiles", 300, 180))]
        _camera(scene, (0.0, -2.0, 1.5), 70.0)
    elif name == "sphere_seam":
        # a UV sphere turned so that its UV seam faces the camera
        bpy.ops.mesh.primitive_uv_sphere_add(segments=48, ring_count=24, radius=1.0,
                                             rotation=(0.0, 0.0, math.radians(-90.0)))
        sphere = bpy.context.active_object
        sphere.name = "Ball"
        objects = [emissive(sphere, tiles_texture("ball tiles", 256, 128))]
        _camera(scene, (0.0, -3.6, 0.4), 84.0, lens=50.0)
    else:
        raise ValueError(f"no footprint scene named {name!r}")
    return scene, objects


def main():
    """Seed agreement of each scene's reference, and bakeview's figures (prints)."""
    import tempfile
    import time
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    build_dir = argv[argv.index("--build") + 1] if "--build" in argv else "build"
    sys.path.insert(0, os.path.join(os.path.abspath(build_dir), "python"))
    import bakeview
    from test_fidelity import cycles_reference, psnr
    only = [a for a in argv if a in SCENES]
    with tempfile.TemporaryDirectory() as folder:
        for name in only or SCENES:
            scene, objects = build(name)
            for obj in objects:
                image = obj.active_material.node_tree.nodes["Image Texture"].image
                bakeview.bake(obj, kind="EMIT", size=tuple(image.size), margin=4)
            samples = REFERENCE_SAMPLES[name]
            start = time.perf_counter()
            a, _ = cycles_reference(scene, 1, os.path.join(folder, "a.exr"), samples)
            seconds = time.perf_counter() - start
            b, _ = cycles_reference(scene, 2, os.path.join(folder, "b.exr"), samples)
            figures = []
            for mode in ("AUTO", 2, 4, 8):
                view = bakeview.render_view(premultiplied=True, samples=mode)
                figures.append(f"{mode}: {psnr(bakeview.pixels(view), a):.1f}")
            print(f"{name}: {samples} samples, seeds agree {psnr(a, b):.1f} dB, Cycles {seconds:.1f} s"
                  f" | " + ", ".join(figures) + " dB")


if __name__ == "__main__":
    main()
