"""Small .blend assets for the farm's tests and benchmark, made in Blender (run: blender -b
--factory-startup --python samples/farm_assets.py -- FOLDER COUNT [--animated NAME FRAMES]).

Each asset-NN.blend holds one UV sphere with a material of its own colour, no bake (the farm
bakes it); --animated adds NAME.blend, a cube with a checker texture turning over FRAMES frames
(a sheet of many frames)."""
import argparse
import colorsys
import math
import os
import sys

import bpy


def clear():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 4
    return scene


def material(name, colour):
    material = bpy.data.materials.new(name)
    material.use_nodes = True
    bsdf = material.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = colour
    return material


def sphere_asset(path, number):
    clear()
    bpy.ops.mesh.primitive_uv_sphere_add(segments=24, ring_count=12, radius=1.0)
    obj = bpy.context.active_object
    obj.name = f"Ball{number:02d}"
    r, g, b = colorsys.hsv_to_rgb(number / 7.0 % 1.0, 0.7, 0.8)
    obj.data.materials.append(material(f"Paint{number:02d}", (r, g, b, 1.0)))
    bpy.ops.wm.save_as_mainfile(filepath=path)


def animated_asset(path, frames):
    scene = clear()
    bpy.ops.mesh.primitive_cube_add(size=1.5)
    obj = bpy.context.active_object
    obj.name = "Spinner"
    paint = material("Checker", (1.0, 1.0, 1.0, 1.0))
    tree = paint.node_tree
    checker = tree.nodes.new("ShaderNodeTexChecker")
    checker.inputs["Scale"].default_value = 4.0
    tree.links.new(checker.outputs["Color"], tree.nodes["Principled BSDF"].inputs["Base Color"])
    obj.data.materials.append(paint)
    scene.frame_start, scene.frame_end = 1, frames
    obj.rotation_euler = (0.0, 0.0, 0.0)
    obj.keyframe_insert("rotation_euler", frame=1)
    obj.rotation_euler = (0.3, 0.0, 2.0 * math.pi)
    obj.keyframe_insert("rotation_euler", frame=frames + 1)
    bpy.ops.wm.save_as_mainfile(filepath=path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("count", type=int)
    parser.add_argument("--animated", nargs=2, metavar=("NAME", "FRAMES"))
    args = parser.parse_args(sys.argv[sys.argv.index("--") + 1:])
    os.makedirs(args.folder, exist_ok=True)
    for number in range(args.count):
        sphere_asset(os.path.join(args.folder, f"asset-{number:02d}.blend"), number)
    if args.animated:
        animated_asset(os.path.join(args.folder, f"{args.animated[0]}.blend"),
                       int(args.animated[1]))


main()
