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


def _read(mesh, attribute_name, data_type, domain, key, out, fallback, fallback_key):
    """Fills `out` from the mesh attribute of that name, type and domain where the Blender
    version has one (it copies at once), else from `fallback` (a collection that may go an item
    at a time)."""
    attribute = mesh.attributes.get(attribute_name) if attribute_name else None
    if attribute is not None and attribute.data_type == data_type and attribute.domain == domain:
        attribute.data.foreach_get(key, out)
    else:
        fallback.foreach_get(fallback_key, out)
    return out


def positions(mesh):
    """Vertex positions, flat float32: the position attribute (3.5+) copies 60 times faster
    than vertices' co in Blender 5.0."""
    return _read(mesh, "position", "FLOAT_VECTOR", "POINT", "vector",
                 float_array(3 * len(mesh.vertices)), mesh.vertices, "co")


def corner_vertices(mesh):
    """Each corner's (loop's) vertex index, uint32: the .corner_vert attribute (3.6+) at once,
    loops' vertex_index one at a time."""
    return _read(mesh, ".corner_vert", "INT", "CORNER", "value", index_array(len(mesh.loops)),
                 mesh.loops, "vertex_index")


def corner_uvs(mesh, layer):
    """A UV map's coordinates per corner, flat float32: UV maps are corner attributes since 3.5
    (at once; the layer's data goes a corner at a time in Blender 5.0). Before 3.5 another
    attribute could share the map's name: the layer is read."""
    return _read(mesh, layer.name if VERSION >= (3, 5, 0) else None, "FLOAT2", "CORNER",
                 "vector", float_array(2 * len(mesh.loops)), layer.data, "uv")


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
