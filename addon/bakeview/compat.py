"""Differences between the Blender versions bakeview supports (3.4 to 5.x), in one place."""
import array

import bpy

VERSION = bpy.app.version


def float_array(count):
    """count zeros, float32. Repeating a one-item array allocates once; array("f", bytes(n))
    allocates twice and copies, which costs milliseconds a megapixel under Blender's jemalloc."""
    return array.array("f", [0.0]) * count


def index_array(count):
    """count zeros, uint32: the type Blender stores mesh indices in, so that foreach_get copies
    them at once (Blender 3.4, 16k loop triangles: 0.4 ms, against 2 ms into int32 items)."""
    return array.array("I", [0]) * count


def positions(mesh):
    """Vertex positions, flat float32: the position attribute (3.5+) copies at once, 60 times
    faster than vertices' co in Blender 5.0."""
    out = float_array(3 * len(mesh.vertices))
    attribute = mesh.attributes.get("position")
    if attribute is not None and attribute.data_type == "FLOAT_VECTOR":
        attribute.data.foreach_get("vector", out)
    else:
        mesh.vertices.foreach_get("co", out)
    return out


def corner_vertices(mesh):
    """Each corner's (loop's) vertex index, uint32: the .corner_vert attribute (3.6+) copies at
    once, loops' vertex_index one at a time."""
    out = index_array(len(mesh.loops))
    attribute = mesh.attributes.get(".corner_vert")
    if attribute is not None and attribute.data_type == "INT":
        attribute.data.foreach_get("value", out)
    else:
        mesh.loops.foreach_get("vertex_index", out)
    return out


def corner_uvs(mesh, layer):
    """A UV map's coordinates per corner, flat float32: as the corner attribute UV maps are since
    3.5 (at once; the layer's data goes a corner at a time in Blender 5.0)."""
    out = float_array(2 * len(mesh.loops))
    attribute = mesh.attributes.get(layer.name) if VERSION >= (3, 5, 0) else None  # same name
    if attribute is not None and attribute.data_type == "FLOAT2" and attribute.domain == "CORNER":
        attribute.data.foreach_get("vector", out)
    else:
        layer.data.foreach_get("uv", out)
    return out


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
