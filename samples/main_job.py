"""The main job on the bundled sample: build the walking robot, bake it once, and write a sprite
sheet of 8 directions x 8 animation frames (PNG + TexturePacker JSON, with the engine files for
Godot 4 and 3, Aseprite and libGDX/Spine) and its previews (an APNG per direction and an HTML
page), printing the paths.

    blender -b --factory-startup --python samples/main_job.py -- --build build --out out/sample
"""
import argparse
import os
import sys
import time


def main():
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="build folder holding python/bakeview")
    parser.add_argument("--out", default="out/sample", help="output folder (made if missing)")
    parser.add_argument("--bake-samples", type=int, default=32, help="Cycles samples for the bake")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(os.path.abspath(args.build), "python"))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bpy

    import bakeview
    import robot_scene

    os.makedirs(args.out, exist_ok=True)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    robot = robot_scene.build()
    start = time.perf_counter()
    bakeview.bake(robot, kind="COMBINED", size=512, samples=args.bake_samples, auto_uv=True,
                  overwrite=True)
    baked = time.perf_counter() - start
    start = time.perf_counter()
    result = bakeview.sprite_sheet(
        robot, views="COMPASS8", frame_size=(128, 128), frames=(1, 24, 3),
        path=os.path.join(args.out, "robot.png"), passes=("COLOR", "NORMAL"), extrude=1,
        overwrite=True, name="robot", formats=("GODOT4", "GODOT3", "ASEPRITE", "LIBGDX"))
    previews = bakeview.preview(os.path.join(args.out, "robot.json"), overwrite=True)
    drawn = time.perf_counter() - start
    blend = os.path.abspath(os.path.join(args.out, "robot.blend"))
    bpy.ops.wm.save_as_mainfile(filepath=blend)
    print(f"baked in {baked:.1f} s; {len(result.frames)} frames drawn and packed in {drawn:.2f} s, "
          f"page occupancy {', '.join(f'{o:.0%}' for o in result.occupancy)}")
    for path in result.files + previews + [blend]:
        print(os.path.abspath(path))
    print(f"sprite sheet written to {os.path.abspath(args.out)}")


main()
