"""A procedural sample scene for bakeview: a small walking robot, built in code.

A mesh of simple parts (torso, head, arms, legs) skinned to an armature whose walk cycle is
keyframed over 24 frames, a procedural painted material, a sun and a sky. Used by the main job
(samples/main_job.py) and the benchmarks; needs Blender (bpy), nothing else."""
import math

import bpy

PARTS = {  # name: (primitive, location, scale, bone)
    "torso": ("cube", (0.0, 0.0, 1.15), (0.32, 0.2, 0.4), "spine"),
    "head": ("sphere", (0.0, 0.0, 1.8), (0.24, 0.24, 0.24), "head"),
    "arm.L": ("cylinder", (0.44, 0.0, 1.2), (0.08, 0.08, 0.36), "arm.L"),
    "arm.R": ("cylinder", (-0.44, 0.0, 1.2), (0.08, 0.08, 0.36), "arm.R"),
    "leg.L": ("cylinder", (0.16, 0.0, 0.4), (0.1, 0.1, 0.4), "leg.L"),
    "leg.R": ("cylinder", (-0.16, 0.0, 0.4), (0.1, 0.1, 0.4), "leg.R"),
}
BONES = {  # name: (head, tail, parent)
    "spine": ((0.0, 0.0, 0.8), (0.0, 0.0, 1.55), None),
    "head": ((0.0, 0.0, 1.55), (0.0, 0.0, 2.05), "spine"),
    "arm.L": ((0.44, 0.0, 1.55), (0.44, 0.0, 0.85), "spine"),
    "arm.R": ((-0.44, 0.0, 1.55), (-0.44, 0.0, 0.85), "spine"),
    "leg.L": ((0.16, 0.0, 0.8), (0.16, 0.0, 0.0), None),
    "leg.R": ((-0.16, 0.0, 0.8), (-0.16, 0.0, 0.0), None),
}
FRAMES = (1, 24)


def _add_part(kind, location, scale):
    if kind == "cube":
        bpy.ops.mesh.primitive_cube_add(location=location)
    elif kind == "sphere":
        bpy.ops.mesh.primitive_uv_sphere_add(segments=32, ring_count=16, location=location)
    else:
        bpy.ops.mesh.primitive_cylinder_add(vertices=24, location=location)
    obj = bpy.context.active_object
    obj.scale = scale
    bpy.ops.object.transform_apply(location=False, rotation=False, scale=True)
    return obj


def _material():
    material = bpy.data.materials.new("Robot paint")
    if bpy.app.version < (5, 0, 0):
        material.use_nodes = True
    tree = material.node_tree
    bsdf = next(n for n in tree.nodes if n.type == "BSDF_PRINCIPLED")
    checker = tree.nodes.new("ShaderNodeTexChecker")
    checker.inputs["Scale"].default_value = 8.0
    checker.inputs["Color1"].default_value = (0.85, 0.35, 0.08, 1.0)
    checker.inputs["Color2"].default_value = (0.95, 0.8, 0.2, 1.0)
    noise = tree.nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = 12.0
    mix = tree.nodes.new("ShaderNodeMixRGB")
    mix.inputs["Fac"].default_value = 0.25
    tree.links.new(checker.outputs["Color"], mix.inputs["Color1"])
    tree.links.new(noise.outputs["Color"], mix.inputs["Color2"])
    tree.links.new(mix.outputs["Color"], bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.6
    return material


def _armature():
    data = bpy.data.armatures.new("Robot rig")
    rig = bpy.data.objects.new("Robot rig", data)
    bpy.context.scene.collection.objects.link(rig)
    bpy.context.view_layer.objects.active = rig
    bpy.ops.object.mode_set(mode="EDIT")
    for name, (head, tail, parent) in BONES.items():
        bone = data.edit_bones.new(name)
        bone.head, bone.tail = head, tail
        if parent:
            bone.parent = data.edit_bones[parent]
    bpy.ops.object.mode_set(mode="OBJECT")
    return rig


def _walk(rig):
    """A walk cycle: legs and arms swing opposite, the body bobs."""
    start, end = FRAMES
    for frame in range(start, end + 1, 3):
        phase = 2 * math.pi * (frame - start) / (end - start + 1)
        swing = math.radians(30) * math.sin(phase)
        poses = {"leg.L": swing, "leg.R": -swing, "arm.L": -swing * 0.8, "arm.R": swing * 0.8,
                 "head": 0.15 * math.sin(2 * phase)}
        for name, angle in poses.items():
            bone = rig.pose.bones[name]
            bone.rotation_mode = "XYZ"
            bone.rotation_euler = (angle, 0.0, 0.0)
            bone.keyframe_insert("rotation_euler", frame=frame)
        rig.location = (0.0, 0.0, 0.04 * abs(math.sin(phase)))
        rig.keyframe_insert("location", frame=frame)


def build(scene=None):
    """Builds the robot in an empty scene; returns the mesh object."""
    scene = scene or bpy.context.scene
    parts = []
    for name, (kind, location, scale, bone) in PARTS.items():
        part = _add_part(kind, location, scale)
        group = part.vertex_groups.new(name=bone)
        group.add(list(range(len(part.data.vertices))), 1.0, "REPLACE")
        parts.append(part)
    for obj in bpy.context.view_layer.objects:
        obj.select_set(obj in parts)
    bpy.context.view_layer.objects.active = parts[0]
    bpy.ops.object.join()
    robot = bpy.context.active_object
    robot.name = "Robot"
    while robot.data.uv_layers:  # parts' UVs overlap: bakeview.bake(auto_uv=True) unwraps anew
        robot.data.uv_layers.remove(robot.data.uv_layers[0])
    robot.data.materials.clear()
    robot.data.materials.append(_material())
    rig = _armature()
    robot.parent = rig
    modifier = robot.modifiers.new("Armature", "ARMATURE")
    modifier.object = rig
    _walk(rig)
    sun = bpy.data.objects.new("Sun", bpy.data.lights.new("Sun", "SUN"))
    sun.data.energy = 3.0
    sun.rotation_euler = (math.radians(40), math.radians(15), math.radians(30))
    scene.collection.objects.link(sun)
    world = bpy.data.worlds.new("Sky")
    if bpy.app.version < (5, 0, 0):
        world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.4, 0.5, 0.7, 1.0)
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.6
    scene.world = world
    scene.frame_start, scene.frame_end = FRAMES
    scene.frame_set(FRAMES[0])
    for obj in bpy.context.view_layer.objects:
        obj.select_set(False)
    bpy.context.view_layer.objects.active = robot
    return robot
