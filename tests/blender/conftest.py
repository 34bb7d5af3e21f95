"""Fixtures for bakeview's tests inside Blender (Debian's Blender 3.4 binary, or the bpy module).

Run through tests/blender/run_pytest.py, which puts BUILD/python on sys.path.

- every test starts from a factory-empty file (`fresh_file`, automatic);
- `make` builds test content in code: float image textures, Principled materials fed by them,
  low-poly meshes with UV maps, cameras, lights and a world;
- `snapshot()` records everything bakeview promises to put back, written without any bakeview
  code, so a test compares before and after with ==; `forget()` drops what a call made on purpose;
  `files_in(folder)` records the files an output folder holds, byte for byte;
- `bake_spy` wraps the bpy.ops.object.bake that bakeview calls: it records the scene state at
  each bake and can raise on the n-th call.
"""
import array
import copy
import hashlib
import math
import os
import sys

import bpy
import pytest

_BUILD = os.environ.get("BAKEVIEW_BUILD")
if _BUILD and os.path.join(_BUILD, "python") not in sys.path:
    sys.path.insert(0, os.path.join(_BUILD, "python"))

import bakeview  # noqa: E402  (needs the build's python dir on sys.path)
import bakeview.bake_images  # noqa: E402

VERSION = bpy.app.version
BLENDER_4 = VERSION >= (4, 0, 0)
BLENDER_5 = VERSION >= (5, 0, 0)
DETERMINISTIC_KINDS = ("DIFFUSE", "EMIT", "NORMAL", "ROUGHNESS", "UV", "BASE_COLOR", "ALPHA",
                       "METALLIC", "SPECULAR", "EMISSION")
LIGHTING_KINDS = ("AO", "INDIRECT", "COMBINED", "GLOSSY", "SHADOW")
BAKEVIEW_PROPS = ("bakeview_bakes", "bakeview_uv_map", "bakeview_last_kind",
                  "bakeview_bake_names")


def build_dir():
    """The build folder given to run_pytest.py (--build)."""
    if not _BUILD:
        pytest.fail("BAKEVIEW_BUILD is not set: run the tests with tests/blender/run_pytest.py --build BUILD")
    return _BUILD


def group_output(group, name, socket_type):
    """Adds an output socket to a node group, through the interface API of Blender 4+ or the
    outputs collection of 3.x."""
    if BLENDER_4:
        group.interface.new_socket(name, in_out="OUTPUT", socket_type=socket_type)
    else:
        group.outputs.new(socket_type, name)


# -- a fresh file per test -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_file():
    """A factory-empty file: one scene, no objects, no materials, no images, no world."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    yield
    if bpy.context.mode != "OBJECT":  # a failing test must not leave Edit Mode to the next one
        bpy.ops.object.mode_set(mode="OBJECT")


# -- test content --------------------------------------------------------------------------------


def turning(obj, start, end, angle):
    """Keys obj turning by `angle` radians about z from frame `start` to `end` (it holds its pose
    before and after): animated sheets and impostors from a still object."""
    obj.animation_data_create()
    obj.keyframe_insert("rotation_euler", frame=start)
    obj.rotation_euler[2] += angle
    obj.keyframe_insert("rotation_euler", frame=end)


def pattern_pixels(width, height, seed=1):
    """Distinct, deterministic linear RGBA values per texel, opaque, in [0.05, 0.95]."""
    out = []
    state = seed
    for _ in range(width * height):
        rgb = []
        for _ in range(3):
            state = (state * 1103515245 + 12345) % (1 << 31)
            rgb.append(0.05 + 0.9 * (state / float(1 << 31)))
        out.extend(rgb + [1.0])
    return out


def texel(pixels, width, x, y, channels=4):
    """The value of texel (x, y) of a flat pixel buffer (row 0 at the bottom)."""
    start = channels * (y * width + x)
    return tuple(pixels[start : start + channels])


def crop(pixels, width, height, rect, channels=4):
    """A y-down rect of a bottom-row-first buffer, as rows top to bottom."""
    x, y, w, h = rect
    rows = []
    for row in range(y, y + h):
        start = channels * ((height - 1 - row) * width + x)
        rows.append(list(pixels[start:start + channels * w]))
    return rows


def close(a, b, tolerance):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b)) and len(a) == len(b)


class Make:
    """Builds scene content without operators where possible (fast, context-free)."""

    def __init__(self):
        self.scene = bpy.context.scene

    # images and materials
    def texture(self, name, width, height, pixels=None, seed=1):
        """A float RGBA image datablock filled with foreach_set (linear values)."""
        image = bpy.data.images.new(name, width, height, alpha=True, float_buffer=True)
        values = pixels if pixels is not None else pattern_pixels(width, height, seed)
        image.pixels.foreach_set(array.array("f", values))
        image.update()
        return image

    def material(self, name, base=None, emission=None, roughness=0.5, metallic=0.0,
                 specular=0.0, emission_strength=1.0, interpolation="Linear"):
        """A Principled BSDF material. base / emission: an Image (through an Image Texture node)
        or an RGBA tuple. specular defaults to 0 so that diffuse and lighting bakes of a plain
        colour are predictable (Principled v2 in Blender 4+ takes the specular layer's energy
        out of the diffuse colour)."""
        material = bpy.data.materials.new(name)
        if not BLENDER_5:
            material.use_nodes = True
        tree = material.node_tree
        bsdf = next(n for n in tree.nodes if n.bl_idname == "ShaderNodeBsdfPrincipled")
        inputs = bsdf.inputs
        emission_socket = inputs["Emission Color"] if BLENDER_4 else inputs["Emission"]
        specular_socket = inputs["Specular IOR Level"] if BLENDER_4 else inputs["Specular"]
        specular_socket.default_value = specular
        inputs["Roughness"].default_value = roughness
        inputs["Metallic"].default_value = metallic
        for socket, value, x in ((inputs["Base Color"], base, -400), (emission_socket, emission, -700)):
            if isinstance(value, bpy.types.Image):
                node = tree.nodes.new("ShaderNodeTexImage")
                node.name = f"{socket.name} texture"
                node.image = value
                node.interpolation = interpolation
                node.location = (x, 0)
                tree.links.new(node.outputs["Color"], socket)
            elif value is not None:
                socket.default_value = tuple(value)
        if emission is not None:
            inputs["Emission Strength"].default_value = emission_strength
        elif "Emission Strength" in inputs:
            inputs["Emission Strength"].default_value = 0.0
        return material

    # meshes
    def mesh_object(self, name, vertices, faces, uvs=None, materials=(), material_indices=None,
                    location=(0.0, 0.0, 0.0)):
        """An object from raw data. uvs: one (u, v) per face corner, in face order; None: no UV
        map."""
        mesh = bpy.data.meshes.new(name)
        mesh.from_pydata(vertices, [], faces)
        if uvs is not None:
            layer = mesh.uv_layers.new(name="UVMap")
            layer.data.foreach_set("uv", [c for uv in uvs for c in uv])
        for material in materials:
            mesh.materials.append(material)
        if material_indices is not None:
            mesh.polygons.foreach_set("material_index", material_indices)
        mesh.update()
        obj = bpy.data.objects.new(name, mesh)
        obj.location = location
        self.scene.collection.objects.link(obj)
        return obj

    def plane(self, name, size=2.0, uv_rect=(0.0, 0.0, 1.0, 1.0), materials=(), uv=True,
              location=(0.0, 0.0, 0.0), z=0.0):
        """A square facing +Z whose UVs span uv_rect = (u0, v0, u1, v1)."""
        h = size / 2
        u0, v0, u1, v1 = uv_rect
        return self.mesh_object(
            name, [(-h, -h, z), (h, -h, z), (h, h, z), (-h, h, z)], [(0, 1, 2, 3)],
            uvs=[(u0, v0), (u1, v0), (u1, v1), (u0, v1)] if uv else None,
            materials=materials, location=location,
        )

    def split_plane(self, name, left, right, location=(0.0, 0.0, 0.0)):
        """A plane of two quads, x < 0 with material `left`, x > 0 with `right`; UVs span [0, 1]."""
        vertices = [(-1, -1, 0), (0, -1, 0), (1, -1, 0), (1, 1, 0), (0, 1, 0), (-1, 1, 0)]
        faces = [(0, 1, 4, 5), (1, 2, 3, 4)]
        uvs = [(0, 0), (0.5, 0), (0.5, 1), (0, 1), (0.5, 0), (1, 0), (1, 1), (0.5, 1)]
        return self.mesh_object(name, vertices, faces, uvs, materials=(left, right),
                                material_indices=[0, 1], location=location)

    def cube(self, name, size=1.0, materials=(), uv=True, location=(0.0, 0.0, 0.0)):
        """A cube whose six faces each cover one cell of a 3 x 2 UV layout."""
        h = size / 2
        vertices = [(x, y, z) for x in (-h, h) for y in (-h, h) for z in (-h, h)]
        faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
        uvs = []
        for i in range(6):
            u0, v0 = (i % 3) / 3, (i // 3) / 2
            u1, v1 = u0 + 1 / 3, v0 + 1 / 2
            uvs += [(u0, v0), (u1, v0), (u1, v1), (u0, v1)]
        return self.mesh_object(name, vertices, faces, uvs if uv else None, materials=materials,
                                location=location)

    def sphere(self, name="Sphere", segments=64, rings=32, radius=1.0, location=(0.0, 0.0, 0.0)):
        """A smooth-shaded UV sphere (its corner normals nearly the sphere's own) with a UV map and
        a textured material, as bakes need."""
        vertices, faces, uvs = [], [], []
        for r in range(rings + 1):
            theta = math.pi * r / rings
            for s in range(segments + 1):
                phi = 2.0 * math.pi * s / segments
                vertices.append((radius * math.sin(theta) * math.cos(phi),
                                 radius * math.sin(theta) * math.sin(phi), radius * math.cos(theta)))
        for r in range(rings):
            for s in range(segments):
                first, below = r * (segments + 1) + s, (r + 1) * (segments + 1) + s
                faces.append((first, below, below + 1, first + 1))
                u0, u1, v0, v1 = s / segments, (s + 1) / segments, 1 - r / rings, 1 - (r + 1) / rings
                uvs += [(u0, v0), (u0, v1), (u1, v1), (u1, v0)]
        material = self.material(f"{name} material", base=self.texture(f"{name} texture", 16, 8))
        sphere = self.mesh_object(name, vertices, faces, uvs, materials=[material], location=location)
        sphere.data.polygons.foreach_set("use_smooth", [True] * len(sphere.data.polygons))
        sphere.data.update()
        return sphere

    def textured_plane(self, name="Plane", size=16, location=(0.0, 0.0, 0.0), seed=1, **material):
        """A plane whose Principled base colour comes from a size x size float texture."""
        texture = self.texture(f"{name} texture", size, size, seed=seed)
        material = self.material(f"{name} material", base=texture, **material)
        return self.plane(name, materials=[material], location=location)

    # camera, lights, world
    def camera(self, name="Camera", location=(0.0, 0.0, 5.0), rotation=(0.0, 0.0, 0.0),
               orthographic_scale=None, resolution=(32, 32)):
        data = bpy.data.cameras.new(name)
        if orthographic_scale is not None:
            data.type = "ORTHO"
            data.ortho_scale = orthographic_scale
        obj = bpy.data.objects.new(name, data)
        obj.location = location
        obj.rotation_euler = rotation
        self.scene.collection.objects.link(obj)
        self.scene.camera = obj
        self.scene.render.resolution_x, self.scene.render.resolution_y = resolution
        self.scene.render.resolution_percentage = 100
        return obj

    def world(self, color=(1.0, 1.0, 1.0), strength=1.0):
        world = bpy.data.worlds.new("World")
        if not BLENDER_5:  # Blender 5 worlds always have nodes (use_nodes is deprecated)
            world.use_nodes = True
        background = world.node_tree.nodes["Background"]
        background.inputs["Color"].default_value = (*color, 1.0)
        background.inputs["Strength"].default_value = strength
        self.scene.world = world
        return world

    def sun(self, name="Sun", strength=3.0, rotation=(0.0, 0.0, 0.0)):
        data = bpy.data.lights.new(name, "SUN")
        data.energy = strength
        if hasattr(data, "angle"):
            data.angle = 0.0
        obj = bpy.data.objects.new(name, data)
        obj.rotation_euler = rotation
        self.scene.collection.objects.link(obj)
        return obj

    def empty(self, name="Empty"):
        obj = bpy.data.objects.new(name, None)
        self.scene.collection.objects.link(obj)
        return obj


@pytest.fixture
def make():
    return Make()


@pytest.fixture
def baked_cube(make):
    """A textured cube, turned so that every view of it differs, baked (DIFFUSE, 48 px): the
    subject of the sprite-sheet tests."""
    cube = make.cube("Cube", size=1.0, materials=[make.material("Cube material",
                                                                base=make.texture("t", 24, 16))])
    cube.rotation_euler = (0.3, 0.2, 0.4)
    bakeview.bake(cube, kind="DIFFUSE", size=48, margin=4)
    return cube


@pytest.fixture
def baked_sphere(make):
    """A unit UV sphere at the origin (64 x 32, smooth), baked (DIFFUSE, 32 px): the subject of
    the normal and depth sheet tests."""
    sphere = make.sphere()
    bakeview.bake(sphere, kind="DIFFUSE", size=32, margin=2)
    return sphere


# -- snapshot of what bakeview must restore ------------------------------------------------------


def _plain_values(struct, depth=1):
    """Every readable non-pointer property of an RNA struct; pointers to non-ID structs are
    followed `depth` levels (scene.render.bake.image_settings)."""
    out = {}
    for prop in struct.bl_rna.properties:
        name = prop.identifier
        if name == "rna_type" or prop.type == "COLLECTION":
            continue
        try:
            value = getattr(struct, name)
        except AttributeError:
            continue
        if prop.type == "POINTER":
            if isinstance(value, bpy.types.ID):
                out[name] = value.name
            elif value is not None and depth > 0:
                out[name] = _plain_values(value, depth - 1)
            elif value is None:
                out[name] = None
            continue
        if isinstance(value, set):  # enum flags
            value = frozenset(value)
        elif getattr(prop, "is_array", False):
            value = tuple(round(v, 6) if isinstance(v, float) else v for v in value)
        elif isinstance(value, float):
            value = round(value, 6)
        out[name] = value
    return out


def _idprop(value):
    """Custom property values as plain, comparable Python."""
    if isinstance(value, bpy.types.ID):
        return ("ID", type(value).__name__, value.name)
    if hasattr(value, "to_dict"):
        return {k: _idprop(value[k]) for k in value.keys()}
    if hasattr(value, "to_list"):
        return tuple(value.to_list())
    return value


def _image_state(image):
    width, height = image.size
    digest = None  # no pixels: Render Result, Viewer Node
    if width and height:
        values = array.array("f", bytes(4 * width * height * image.channels))
        image.pixels.foreach_get(values)
        digest = hashlib.sha1(values.tobytes()).hexdigest()
    return {
        "size": (width, height),
        "float": image.is_float,
        "source": image.source,
        "colorspace": image.colorspace_settings.name,
        "packed": image.packed_file is not None,
        "users": image.users,
        "fake_user": image.use_fake_user,
        "pixels": digest,
        "props": {k: _idprop(image[k]) for k in image.keys()},
    }


def _rna_state(struct, depth, skip=()):
    """Every RNA property of a struct, read generically (no list of names): plain values as they
    are, IDs by type and name, nodes and sockets by name, other structs and collections followed
    `depth` levels (image_user, texture_mapping, color_ramp.elements, curve points)."""
    out = {}
    for prop in struct.bl_rna.properties:
        name = prop.identifier
        if name == "rna_type" or name in skip:
            continue
        try:
            value = getattr(struct, name)
        except AttributeError:
            continue
        if prop.type == "COLLECTION":
            out[name] = (tuple(_rna_value(item, depth - 1) for item in value) if depth > 0
                         else len(value))
        else:
            out[name] = _rna_value(value, depth)
    return out


def _rna_value(value, depth):
    if isinstance(value, bpy.types.ID):
        return ("ID", type(value).__name__, value.name)
    if isinstance(value, bpy.types.Node):
        return ("node", value.name)
    if isinstance(value, bpy.types.NodeSocket):
        return ("socket", value.node.name, value.is_output, value.identifier)
    if isinstance(value, bpy.types.bpy_struct):
        return _rna_state(value, depth - 1) if depth > 0 else ("struct", type(value).__name__)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, set):  # enum flags
        return frozenset(value)
    try:  # arrays: vectors, colours, matrices (rows)
        return tuple(_rna_value(v, depth) for v in value)
    except TypeError:
        return repr(value)


def _node_tree_state(tree):
    """A node tree exactly: every RNA property of every node (flags such as show_texture,
    show_options, show_preview, hide, mute, select; location, width, label, colour, parent,
    images, mappings, ramps, ...), every property of every input and output socket (default
    values, hide, enabled, ...), the links, the active node and the tree's own properties."""
    if tree is None:
        return None
    nodes = {}
    for node in tree.nodes:
        state = _rna_state(node, 3, skip=("inputs", "outputs"))
        state["inputs"] = tuple(_rna_state(s, 1) for s in node.inputs)
        state["outputs"] = tuple(_rna_state(s, 1) for s in node.outputs)
        nodes[node.name] = state
    order = sorted(tree.links, key=lambda l: (l.from_node.name, l.from_socket.identifier,
                                              l.to_node.name, l.to_socket.identifier))
    links = [_rna_state(link, 1) for link in order]
    active = tree.nodes.active
    return {"tree": _rna_state(tree, 1, skip=("nodes", "links")), "nodes": nodes, "links": links,
            "active": active.name if active else None}


def differences(before, after, path=""):
    """Where two snapshots (or parts of them) differ, as 'path: before -> after' lines."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after), key=str):
            out += differences(before.get(key, "<none>"), after.get(key, "<none>"), f"{path}/{key}")
        return out
    if isinstance(before, (tuple, list)) and isinstance(after, (tuple, list)) \
            and len(before) == len(after):
        out = []
        for i, (a, b) in enumerate(zip(before, after)):
            out += differences(a, b, f"{path}[{i}]")
        return out
    return [f"{path}: {before!r} -> {after!r}"]


def snapshot():
    """Everything bakeview promises to leave as it found it, as plain comparable data."""
    scene = bpy.context.scene
    view_layer = bpy.context.view_layer
    cycles = getattr(scene, "cycles", None)
    state = {
        "mode": bpy.context.mode,
        "engine": scene.render.engine,
        "cycles": _plain_values(cycles, depth=0) if cycles is not None else None,
        "bake": _plain_values(scene.render.bake),
        "filepath": scene.render.filepath,
        "selected": sorted(o.name for o in view_layer.objects if o.select_get()),
        "active": view_layer.objects.active.name if view_layer.objects.active else None,
        "hidden": {
            o.name: (o.hide_get(), o.hide_viewport, o.hide_select, o.hide_render)
            for o in view_layer.objects
        },
        "images": {image.name: _image_state(image) for image in bpy.data.images},
        "materials": {
            m.name: {
                "use_nodes": None if BLENDER_5 else m.use_nodes,
                "tree": _node_tree_state(m.node_tree),
                "users": m.users,
            }
            for m in bpy.data.materials
        },
        "node_groups": {g.name: _node_tree_state(g) for g in bpy.data.node_groups},
        "slots": {
            o.name: [(s.link, s.material.name if s.material else None) for s in o.material_slots]
            for o in bpy.data.objects
        },
        "mesh_materials": {
            me.name: [m.name if m else None for m in me.materials] for me in bpy.data.meshes
        },
        "uv_maps": {
            me.name: (
                [uv.name for uv in me.uv_layers],
                me.uv_layers.active_index,
                next((uv.name for uv in me.uv_layers if uv.active_render), None),
            )
            for me in bpy.data.meshes
        },
        "uv_data": {me.name: {uv.name: _uv_digest(uv) for uv in me.uv_layers} for me in bpy.data.meshes},
        "props": {o.name: {k: _idprop(o[k]) for k in o.keys()} for o in bpy.data.objects},
        "frame": (scene.frame_current, round(scene.frame_subframe, 6)),
        "animation": {
            o.name: None if o.animation_data is None else (
                o.animation_data.action.name if o.animation_data.action else None)
            for o in bpy.data.objects
        },
        "actions": {a.name: a.users for a in bpy.data.actions},
        "data": {
            kind: sorted(item.name for item in getattr(bpy.data, kind))
            for kind in ("objects", "meshes", "materials", "images", "textures", "node_groups",
                         "cameras", "lights", "worlds", "collections", "scenes", "actions")
        },
    }
    return state


def _uv_digest(layer):
    values = array.array("f", bytes(8 * len(layer.data)))  # none in Edit Mode
    layer.data.foreach_get("uv", values)
    return hashlib.sha1(values.tobytes()).hexdigest()


def files_in(folder):
    """{path relative to folder: sha1 of its bytes} of every file under folder."""
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, folder)] = hashlib.sha1(f.read()).hexdigest()
    return out


def forget(state, images=(), props=False, uv_maps=()):
    """A copy of a snapshot without what a bakeview call made on purpose: the named images,
    bakeview's custom properties on objects (props=True), and UV maps given as (mesh, name)."""
    state = copy.deepcopy(state)
    for name in images:
        state["images"].pop(name, None)
        state["data"]["images"] = [n for n in state["data"]["images"] if n != name]
    if props:
        for values in state["props"].values():
            for key in BAKEVIEW_PROPS:
                values.pop(key, None)
    for mesh, name in uv_maps:
        names, active, render = state["uv_maps"][mesh]
        names = [n for n in names if n != name]
        if not names:  # the only UV map is also the active and the render one: no other state
            active, render = -1, None
        state["uv_maps"][mesh] = (names, active, render)
        state["uv_data"][mesh].pop(name, None)
    return state


# -- spying on the bakes bakeview runs -----------------------------------------------------------


class BakeSpy:
    """Stands in for bpy.ops.object.bake inside bakeview.bake_images: records the state each
    bake ran in, then calls the real operator; with fail_on=n, the n-th call (1-based) raises
    (before baking, or after it with fail_after=True)."""

    def __init__(self):
        self.calls = []
        self.fail_on = None
        self.fail_after = False
        self.exception = RuntimeError("forced failure")

    def __call__(self, *args, **kwargs):
        scene = bpy.context.scene
        obj = bpy.context.view_layer.objects.active
        trees = [s.material.node_tree for s in obj.material_slots if s.material]
        self.calls.append({
            "object": obj.name,
            "selected": sorted(o.name for o in bpy.context.selected_objects),
            "samples": scene.cycles.samples,
            "engine": scene.render.engine,
            "denoising": scene.cycles.use_denoising,
            "type": kwargs.get("type"),
            "kwargs": dict(kwargs),
            "targets": sorted({t.nodes.active.image.name for t in trees
                               if t.nodes.active is not None and getattr(t.nodes.active, "image", None)}),
        })
        failing = self.fail_on is not None and len(self.calls) == self.fail_on
        if failing and not self.fail_after:
            raise self.exception
        result = bpy.ops.object.bake(*args, **kwargs)
        if failing:
            raise self.exception
        return result


class _Proxy:
    """Attribute access that returns overrides first, then the wrapped object's attributes."""

    def __init__(self, wrapped, **overrides):
        self.__dict__["_wrapped"] = wrapped
        self.__dict__["_overrides"] = overrides

    def __getattr__(self, name):
        overrides = self.__dict__["_overrides"]
        if name in overrides:
            return overrides[name]
        return getattr(self.__dict__["_wrapped"], name)


@pytest.fixture
def bake_spy(monkeypatch):
    spy = BakeSpy()

    class _LiveOpsObject:  # bpy.ops.object is rebuilt on every access: delegate lazily
        def __getattr__(self, name):
            return spy if name == "bake" else getattr(bpy.ops.object, name)

    class _LiveOps:
        object = _LiveOpsObject()

        def __getattr__(self, name):
            return getattr(bpy.ops, name)

    monkeypatch.setattr(bakeview.bake_images, "bpy", _Proxy(bpy, ops=_LiveOps()))
    return spy


# -- shared scenes --------------------------------------------------------------------------------


@pytest.fixture
def tiny_scene(make):
    """Three textured planes side by side, each with its own material and texture, and a
    camera looking down at them."""
    planes = [make.textured_plane(name, location=(3.0 * i, 0.0, 0.0), seed=i + 1)
              for i, name in enumerate(("A", "B", "C"))]
    camera = make.camera(location=(3.0, 0.0, 10.0), orthographic_scale=10.0, resolution=(32, 16))
    return planes, camera


# -- commands run as a user runs them -------------------------------------------------------------

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def in_blender():
    """True inside Blender's own binary, False with the bpy module."""
    return os.path.basename(bpy.app.binary_path or "").startswith("blender")


def python_command(script):
    """The command that runs the Python file `script` as this environment runs Python with bpy:
    Blender in background mode from factory settings, or the bpy module's Python; the script's
    own arguments follow, after the "--" it ends with. No bytecode is written."""
    if in_blender():
        expr = (f"import sys; sys.dont_write_bytecode = True; exec(compile(open({script!r}).read(), "
                f"{script!r}, 'exec'), {{'__file__': {script!r}, '__name__': '__main__'}})")
        return [bpy.app.binary_path, "-b", "--factory-startup", "--python-exit-code", "1",
                "--python-expr", expr, "--"]
    return [sys.executable, "-B", script, "--"]


def cli_command(blend=None):
    """(command, environment) of bakeview's command line as the README gives it: Blender with
    `blend` open (--python-expr "... c.main()" --), or `python -m bakeview` with the bpy module,
    which reads `blend` as a BLEND argument. The command line's own arguments follow."""
    python = os.path.join(build_dir(), "python")
    if in_blender():
        expr = (f"import sys; sys.dont_write_bytecode = True; sys.path.insert(0, {python!r}); "
                "import bakeview.cli as c; c.main()")
        return ([bpy.app.binary_path, "-b", "--factory-startup", *([str(blend)] if blend else []),
                 "--python-expr", expr, "--"], dict(os.environ))
    return [sys.executable, "-B", "-m", "bakeview"], {**os.environ, "PYTHONPATH": python}


@pytest.fixture(scope="session")
def sample_blend(tmp_path_factory):
    """The robot.blend `./run sample` writes (samples/main_job.py; its COMBINED bake at 1 sample
    to save time), made once per session."""
    import subprocess

    out = tmp_path_factory.mktemp("sample")
    command = python_command(os.path.join(ROOT, "samples", "main_job.py"))
    done = subprocess.run(command + ["--build", build_dir(), "--out", str(out),
                                     "--bake-samples", "1"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (out / "robot.blend").is_file()
    return out / "robot.blend"
