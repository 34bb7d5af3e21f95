"""Scene data as the core wants it: evaluated meshes as whole buffers (foreach_get, no per-vertex
Python loops) and Blender's own camera matrices."""
import math
import warnings

import bpy

from . import _core, compat
from .compat import corner_normals, float_array, index_array


def output_size(scene):
    """Render size in pixels: resolution x percentage / 100, as Blender computes it."""
    render = scene.render
    percentage = render.resolution_percentage
    return (render.resolution_x * percentage // 100, render.resolution_y * percentage // 100)


def check_transform(obj, matrix):
    """Refuses an object whose world matrix holds a NaN or an infinity, naming it."""
    if not all(math.isfinite(value) for row in matrix for value in row):
        raise ValueError(
            f"object '{obj.name}' has a NaN or infinite value in its transform (location, rotation "
            "or scale, or those of a parent, constraint or driver)")
    return matrix


def camera_matrices(camera, depsgraph, width, height, scene):
    """(view, projection) for a camera object at the current frame. The projection comes from
    Blender itself (lens, sensor fit, shift, ortho scale, clipping, pixel aspect)."""
    if camera is None or camera.type != "CAMERA":
        what = "nothing" if camera is None else f"'{camera.name}' ({camera.type})"
        raise ValueError(f"a camera object is needed, got {what}")
    evaluated = camera.evaluated_get(depsgraph)
    check_transform(camera, evaluated.matrix_world)
    render = scene.render
    projection = evaluated.calc_matrix_camera(
        depsgraph, x=width, y=height, scale_x=render.pixel_aspect_x, scale_y=render.pixel_aspect_y
    )
    # Cycles ignores the camera object's scale
    view = evaluated.matrix_world.normalized().inverted()
    return view, projection


def core_mesh(obj, depsgraph, uv_name=None, texture=None, object_id=0, alpha="IGNORED",
              material=None, normals=True):
    """A _core.Mesh of the object's evaluated mesh (modifiers, shape keys, armatures) in world
    space, with UVs from `uv_name` (default: the active UV map). alpha: what the texture's alpha
    does (IGNORED or COVERAGE, images.alpha_use). material: a lit.Materials entry's
    (_core.Material, its copy without the normal map); the mesh then carries the UV map's
    MikkTSpace tangents for the normal map, as Blender's bake made it. normals=False leaves the
    corner normals out (the core needs them for the NORMAL pass and lit views only)."""
    evaluated = obj.evaluated_get(depsgraph)
    mesh = evaluated.to_mesh()
    try:
        mesh.calc_loop_triangles()
        positions = compat.positions(mesh)
        loops = index_array(3 * len(mesh.loop_triangles))
        mesh.loop_triangles.foreach_get("loops", loops)
        triangles = _core.gather(compat.corner_vertices(mesh), loops)
        uv_layer = mesh.uv_layers.get(uv_name) if uv_name else mesh.uv_layers.active
        uvs = None
        layer_name = uv_layer.name if uv_layer is not None else None  # corner_normals moves it
        if uv_layer is not None:
            uvs = compat.corner_uvs(mesh, uv_layer)
        elif texture is not None:
            wanted = f"UV map '{uv_name}'" if uv_name else "a UV map"
            raise ValueError(f"object '{obj.name}' has no {wanted}")
        normals = corner_normals(mesh) if normals or material is not None else None
        tangents = signs = None
        core_material = None
        if material is not None:
            core_material, without_normal_map = material
            tangents, signs = _tangents(obj, mesh, layer_name)
            if tangents is None:
                core_material = without_normal_map
        return _core.Mesh(
            positions,
            triangles,
            uvs,
            normals=normals,
            loops=loops,
            matrix_world=check_transform(obj, evaluated.matrix_world),
            texture=texture,
            object_id=object_id,
            alpha=alpha,
            material=core_material,
            tangents=tangents,
            bitangent_signs=signs,
        )
    finally:
        evaluated.to_mesh_clear()


def _tangents(obj, mesh, uv_name):
    """Per-loop tangents and bitangent signs of the UV map (what a tangent-space normal bake is
    relative to), or (None, None) with a warning where Blender cannot compute them."""
    try:
        mesh.calc_tangents(uvmap=uv_name)
    except RuntimeError as error:  # n-gons: MikkTSpace here takes triangles and quads only
        warnings.warn(f"object '{obj.name}': no tangents ({error}); its NORMAL bake is not "
                      f"applied in lit views, the mesh's own normals are", stacklevel=4)
        return None, None
    tangents = float_array(3 * len(mesh.loops))
    signs = float_array(len(mesh.loops))
    mesh.loops.foreach_get("tangent", tangents)
    mesh.loops.foreach_get("bitangent_sign", signs)
    return tangents, signs


def visible_meshes(scene, view_layer=None):
    """Mesh objects that render in the view layer."""
    view_layer = view_layer or bpy.context.view_layer
    return [
        o
        for o in view_layer.objects
        if o.type == "MESH" and o.visible_get(view_layer=view_layer) and not o.hide_render
    ]
