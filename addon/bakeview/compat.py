"""Differences between the Blender versions bakeview supports (3.4 to 5.x), in one place."""
import array

import bpy

VERSION = bpy.app.version


def float_array(count):
    """count zeros, float32. Repeating a one-item array allocates once; array("f", bytes(n))
    allocates twice and copies, which costs milliseconds a megapixel under Blender's jemalloc."""
    return array.array("f", [0.0]) * count


def int_array(count):
    return array.array("i", [0]) * count


def corner_normals(mesh):
    """Split (corner) normals per loop, flat float32: 3 per loop."""
    out = float_array(3 * len(mesh.loops))
    if hasattr(mesh, "corner_normals"):  # 4.1+
        mesh.corner_normals.foreach_get("vector", out)
    else:
        mesh.calc_normals_split()
        mesh.loops.foreach_get("normal", out)
    return out


def ensure_node_tree(material):
    """The material's node tree, turning nodes on where a version still needs that."""
    if material.node_tree is None or (VERSION < (5, 0, 0) and not material.use_nodes):
        material.use_nodes = True
    return material.node_tree


def uses_nodes(material):
    if VERSION >= (5, 0, 0):
        return material.node_tree is not None
    return material.use_nodes and material.node_tree is not None
