"""bake_key: the SHA-256 of everything that decides what bakeview.bake writes into an object's
image, so that a bake stored under its key (bakeview.bake_cache) is reused only where baking
again would give the same pixels. Two Blender processes opening the same .blend give the same
keys; any change below gives another key.

What a key holds:
- the versions: Blender's (bpy.app.version_string), bakeview's and this key's format;
- the bake: its kind, size, margin, samples and UV map's name; the scene's Cycles settings
  (scene.cycles, every property but those bakeview sets itself: samples, device, denoising, and
  the viewport's preview settings), its bake settings (scene.render.bake: pass filters, margin
  type, normal space ...; not those bakeview passes to the operator), film transparency,
  simplify, the view layer's samples and material override, and the frame;
- the object: its world matrix; its evaluated mesh (modifiers, shape keys, armatures applied,
  read as the depsgraph has it): vertex positions, corner vertices, faces, triangles, the corner
  normals (custom normals, sharp edges, smooth shading), every attribute not internal to Blender
  (UV maps, colours, material indices, sharp faces, anything a material reads), the active and
  rendering UV map and colour attribute; float attributes (UV maps, colours) of a mesh with
  modifiers as it holds them before its modifiers (Blender 5's bevel interpolates them a little
  differently at each evaluation; what a modifier does with them is in its settings); its
  modifiers' settings (their render levels
  and render switches: Cycles bakes what the render shows, the depsgraph what the viewport
  shows); its particle systems' settings; its material slots;
- each material: its settings (including its Cycles settings), and when it uses nodes its node
  tree, recursively through node groups: per node its type and every property that is not
  about drawing the editor (location, width, selection, colour, label ... left out), the
  structs it holds (colour ramps, curves, mappings, image users), every input and output
  socket's default value, and the links (from node and socket to node and socket, muted or
  not); images as their pixels (foreach_get into float32) with size, channels, float or not,
  colour space, alpha mode and source; other objects a node points at (Texture Coordinate's
  object) by name and world matrix; scripts by their text;
- for kinds that hold light (AO, INDIRECT, COMBINED, GLOSSY, SHADOW), and for any kind whose
  materials read the scene (Ambient Occlusion node, Point Density, OSL scripts, view layer
  attributes), the whole scene's light: the world (settings and node tree), every object of the
  view layer (render and viewport visibility, ray visibility, world matrix; meshes, curves, text
  and metaballs as their evaluated mesh, with their modifiers and materials; lights with every
  setting and node tree; other objects by type and settings) and every instance the depsgraph
  makes (instancer, instanced object, matrix, ids);
- the scene camera when a material reads it (Camera Data, Vector Transform, Texture
  Coordinate's Camera, Window or Reflection), or when a kind that holds light is baked as seen
  from it (bake settings' view_from ACTIVE_CAMERA); otherwise no camera is part of a key (a
  bake is seen from above its surface); the object's name, colour and pass index when a
  material reads them (Object Info, object attributes).

Not held (a change there keeps the key): images whose source is a movie or a sequence are hashed
at their current frame's pixels as Image.pixels gives them; UDIM tiles beyond the first as their
packed or on-disk files; hair curves, point clouds and volumes (not meshes) as their settings,
not their points; geometry node groups' inputs that differ between viewport and render only
through an "Is Viewport" node.

Speed: meshes, UVs, normals, attributes and pixels are read with foreach_get into array buffers
and hashed as bytes (no per-vertex Python loops): a 16k-triangle object keys in a few ms.
Within one KeyMemo, images, node trees, materials and meshes are hashed once.
"""
import array
import hashlib
import os

import bpy

from . import bl_info, compat, images
from .bake_images import KINDS
from .compat import VERSION, index_array

KEY_VERSION = 1  # the format of the keys: bumped whenever what they hold changes
LIGHT_KINDS = frozenset(k for k, (_, _, deterministic, _) in KINDS.items() if not deterministic)

# node properties about drawing the editor, not about what the node computes
_NODE_UI = frozenset((
    "rna_type", "name", "label", "location", "location_absolute", "width", "width_hidden",
    "height", "dimensions", "inputs", "outputs", "internal_links", "parent", "use_custom_color",
    "color", "color_tag", "select", "show_options", "show_preview", "hide", "show_texture",
    "warning_propagation", "bl_label", "bl_description", "bl_icon", "bl_width_default",
    "bl_width_min", "bl_width_max", "bl_height_default", "bl_height_min", "bl_height_max"))
# properties every ID has: names, users, flags of the session
_ID = frozenset(p.identifier for p in bpy.types.ID.bl_rna.properties) | {"animation_data"}
_MODIFIER_UI = frozenset(("rna_type", "name", "show_in_editmode", "show_on_cage", "show_expanded",
                          "is_active", "is_override_data", "execution_time", "persistent_uid",
                          "ui_expand_flag"))
# set by bakeview.bake itself, or the viewport's
_CYCLES_SET = frozenset(("rna_type", "name", "samples", "device", "use_denoising", "bake_type",
                         "denoiser", "denoising_prefilter", "denoising_quality",
                         "denoising_input_passes", "denoising_use_gpu", "time_limit",
                         "preview_pause"))
# passed to the bake operator by bakeview.bake, or about saving to files and cages
_BAKE_SET = frozenset(("rna_type", "type", "cage_object", "filepath", "width", "height", "margin",
                       "max_ray_distance", "cage_extrusion", "image_settings", "target",
                       "save_mode", "use_selected_to_active", "use_clear", "use_split_materials",
                       "use_automatic_name", "use_cage"))
_RENDER = ("film_transparent", "use_simplify", "simplify_subdivision_render",
           "simplify_child_particles_render", "simplify_volumes", "hair_type", "hair_subdiv",
           "use_high_quality_normals")
_VISIBILITY = ("hide_render", "hide_viewport", "visible_camera", "visible_diffuse",
               "visible_glossy", "visible_transmission", "visible_volume_scatter",
               "visible_shadow", "is_shadow_catcher", "is_holdout", "lightgroup")
_GEOMETRY = {"MESH", "CURVE", "SURFACE", "META", "FONT"}  # what to_mesh turns into a mesh
# nodes that read the scene around the object
_SCENE_NODES = {"ShaderNodeAmbientOcclusion", "ShaderNodeTexPointDensity", "ShaderNodeScript"}
_CAMERA_NODES = {"ShaderNodeCameraData", "ShaderNodeVectorTransform"}
_CAMERA_COORDINATES = ("Camera", "Window", "Reflection")
# attribute data type -> (property foreach_get reads, array typecode, values per item)
_ATTRIBUTE_READS = {
    "FLOAT": ("value", "f", 1), "INT": ("value", "i", 1), "FLOAT_VECTOR": ("vector", "f", 3),
    "FLOAT_COLOR": ("color", "f", 4), "BYTE_COLOR": ("color", "f", 4), "FLOAT2": ("vector", "f", 2),
    "INT8": ("value", "i", 1), "BOOLEAN": ("value", "b", 1), "INT32_2D": ("value", "i", 2),
    "QUATERNION": ("value", "f", 4), "FLOAT4X4": ("value", "f", 16)}


def bake_key(obj, kind, size, margin, samples, uv_map, memo=None):
    """The key (64 hex digits) of the bake of `kind` of `obj` at `size` ((width, height)),
    `margin` pixels, `samples` Cycles samples, with the UV map named `uv_map`. memo: a KeyMemo,
    to hash what several keys share once (default: a new one)."""
    return bake_keys(obj, (kind,), size, margin, samples, uv_map, memo)[kind]


def bake_keys(obj, kinds, size, margin, samples, uv_map, memo=None):
    """{kind: key} of several kinds of one object's bake (what they share hashed once)."""
    memo = memo or KeyMemo()
    part, needs = memo.object_part(obj)
    out = {}
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        digest = _Digest()
        digest.add("bakeview bake", KEY_VERSION, kind, tuple(size), margin, samples, uv_map)
        digest.add(memo.settings())
        digest.add(part)
        if kind in LIGHT_KINDS or "scene" in needs:
            digest.add("light", memo.light())
        if "camera" in needs or kind in LIGHT_KINDS and \
                getattr(memo.scene.render.bake, "view_from", None) == "ACTIVE_CAMERA":
            digest.add("camera", memo.camera())
        if "object" in needs:
            digest.add("object info", memo.object_info(obj))
        out[kind] = digest.hexdigest()
    return out


class _Digest:
    """SHA-256 over values written unambiguously (repr: exact for floats) and raw buffers."""

    def __init__(self):
        self._hash = hashlib.sha256()

    def add(self, *values):
        self._hash.update(repr(values).encode("utf-8", "surrogatepass"))
        self._hash.update(b"\n")

    def buffer(self, tag, data):
        view = memoryview(data).cast("B")
        self.add("buffer", tag, len(view))
        self._hash.update(view)

    def hexdigest(self):
        return self._hash.hexdigest()


class KeyMemo:
    """What the keys of one scene's objects share, each hashed once: the settings, the scene's
    light, images, node trees, materials and meshes. Valid while the scene is unchanged (make
    a new one after changing it)."""

    def __init__(self, scene=None, view_layer=None, depsgraph=None):
        self.scene = scene or bpy.context.scene
        self.view_layer = view_layer or bpy.context.view_layer
        self.depsgraph = depsgraph or bpy.context.evaluated_depsgraph_get()
        self._done = {}  # (what, pointer) -> digest
        self._needs = {}  # node tree pointer -> what its nodes read beyond the object
        self._settings = self._light = self._camera = None

    # -- what every key holds ----------------------------------------------------------------

    def settings(self):
        if self._settings is None:
            scene, view_layer = self.scene, self.view_layer
            digest = _Digest()
            digest.add("versions", bpy.app.version_string, tuple(bl_info["version"]))
            cycles = getattr(scene, "cycles", None)
            if cycles is not None:
                digest.add("cycles", self._struct(cycles, 1, _CYCLES_SET, prefix_skip="preview_"))
            digest.add("bake", self._struct(scene.render.bake, 0, _BAKE_SET))
            digest.add("render", tuple(getattr(scene.render, n, None) for n in _RENDER))
            digest.add("view layer", getattr(view_layer, "samples", None),
                       self._value(getattr(view_layer, "material_override", None), 0))
            digest.add("frame", scene.frame_current, scene.frame_subframe)
            self._settings = digest.hexdigest()
        return self._settings

    def object_part(self, obj):
        """(digest, needs) of the object itself: needs says what of the scene its materials
        read ("scene", "camera", "object")."""
        digest = _Digest()
        needs = set()
        digest.add("object", obj.type, _matrix(self._evaluated(obj).matrix_world))
        digest.add("geometry", self.geometry(obj))
        digest.add("modifiers", self._modifiers(obj))
        digest.add("particles", self._particles(obj))
        for slot in obj.material_slots:
            material = slot.material
            digest.add("slot", slot.link, self.material(material) if material else None)
            if material is not None and material.node_tree is not None \
                    and compat.uses_nodes(material):
                needs |= self._needs.get(material.node_tree.as_pointer(), set())
        if "object" in needs:  # Object Info and object attributes read these
            for node_tree in self._trees_of(obj):
                for name in self._attribute_names(node_tree):
                    digest.add("attribute", name, self._value(_attribute_value(obj, name), 1))
        return digest.hexdigest(), needs

    def object_info(self, obj):
        return (obj.name, tuple(obj.color), obj.pass_index)

    # -- meshes --------------------------------------------------------------------------------

    def geometry(self, obj):
        """The object's evaluated geometry as the bake sees it, or its type for objects that
        are no mesh."""
        key = ("geometry", obj.name_full)
        if key in self._done:
            return self._done[key]
        result = obj.type
        if obj.type in _GEOMETRY:
            evaluated = self._evaluated(obj)
            try:
                mesh = evaluated.to_mesh(preserve_all_data_layers=True, depsgraph=self.depsgraph)
            except RuntimeError:
                mesh = None
            # float attributes as the mesh holds them, when modifiers may interpolate them
            original = obj.data if obj.type == "MESH" and len(obj.modifiers) else None
            try:
                if mesh is not None:
                    result = self._mesh(mesh, normals=True, original=original)
            finally:
                if mesh is not None:
                    evaluated.to_mesh_clear()
        self._done[key] = result
        return result

    def _mesh(self, mesh, normals, original=None):
        """The digest of an evaluated mesh. original: the mesh before modifiers, whose float
        attributes (UV maps, colours ...) are hashed instead of the evaluated ones: modifiers
        interpolate those a little differently from one evaluation to the next (Blender 5's
        bevel), and what they do with them is in their settings, hashed with the object."""
        digest = _Digest()
        mesh.calc_loop_triangles()
        digest.add("counts", len(mesh.vertices), len(mesh.edges), len(mesh.polygons),
                   len(mesh.loops), len(mesh.loop_triangles))
        digest.buffer("positions", compat.positions(mesh))
        digest.buffer("corner vertices", compat.corner_vertices(mesh))
        starts = index_array(len(mesh.polygons))
        mesh.polygons.foreach_get("loop_start", starts)
        digest.buffer("face starts", starts)
        if VERSION < (4, 0, 0):  # face sizes: offsets sorted since 4.0, not before
            totals = index_array(len(mesh.polygons))
            mesh.polygons.foreach_get("loop_total", totals)
            digest.buffer("face sizes", totals)
        triangles = index_array(3 * len(mesh.loop_triangles))
        mesh.loop_triangles.foreach_get("loops", triangles)
        digest.buffer("triangles", triangles)
        layers = mesh.uv_layers
        digest.add("uv maps", [(uv.name, uv.active, uv.active_render) for uv in layers])
        if VERSION < (3, 5, 0):  # attributes since 3.5, read with the others below
            for layer in (original or mesh).uv_layers:
                digest.buffer(("uv", layer.name), compat.corner_uvs(original or mesh, layer))
        attributes = mesh.attributes
        if VERSION < (4, 0, 0) and attributes.get("sharp_face") is None:
            smooth = array.array("b", [0]) * len(mesh.polygons)
            mesh.polygons.foreach_get("use_smooth", smooth)
            digest.buffer("smooth", smooth)
        colours = getattr(mesh, "color_attributes", None)
        if colours is not None:
            digest.add("colours", getattr(colours, "active_color_name", None),
                       getattr(colours, "render_color_index", None))
        self._attributes(mesh, digest, floats=original is None)
        if original is not None:
            self._attributes(original, digest, floats=True, others=False)
        if normals:
            self._normals(mesh, digest)
        return digest.hexdigest()

    @staticmethod
    def _attributes(mesh, digest, floats, others=True):
        """Hashes the mesh's attributes but Blender's own (selection, topology) and positions:
        their names, types and domains, and the values of the float ones (floats) and of the
        others (others)."""
        attributes = mesh.attributes
        for name in sorted(a.name for a in attributes):
            if name.startswith(".") or name == "position":
                continue
            attribute = attributes[name]
            read = _ATTRIBUTE_READS.get(attribute.data_type)
            is_float = read is not None and read[1] == "f"
            if not (is_float and floats or not is_float and others):
                continue
            digest.add("attribute", name, attribute.data_type, attribute.domain,
                       len(attribute.data))
            if read is None:
                continue
            prop, typecode, width = read
            values = array.array(typecode, [0]) * (width * len(attribute.data))
            try:
                attribute.data.foreach_get(prop, values)
            except (TypeError, RuntimeError, AttributeError):
                continue
            digest.buffer(("attribute", name), values)

    @staticmethod
    def _normals(mesh, digest):
        """What decides the corner normals. Blender 4.1+ computes them the same every time: they
        are hashed. Before, smooth normals come out a little different from one evaluation to
        the next (vertex normals summed in whatever order threads run): what they are made of
        is hashed instead (positions and faces above; edges, sharp edges, auto smooth), and
        custom normals, which exist only as computed normals there, rounded to 1/16384."""
        if VERSION >= (4, 1, 0):
            digest.buffer("normals", compat.corner_normals(mesh))
            return
        edges = index_array(2 * len(mesh.edges))
        mesh.edges.foreach_get("vertices", edges)
        digest.buffer("edges", edges)
        if mesh.attributes.get("sharp_edge") is None:  # an attribute (hashed) from 4.0
            sharp = array.array("b", [0]) * len(mesh.edges)
            mesh.edges.foreach_get("use_edge_sharp", sharp)
            digest.buffer("sharp edges", sharp)
        digest.add("auto smooth", getattr(mesh, "use_auto_smooth", None),
                   getattr(mesh, "auto_smooth_angle", None), mesh.has_custom_normals)
        if mesh.has_custom_normals:  # last: computing them may move the layers read above
            normals = compat.corner_normals(mesh)
            digest.buffer("custom normals", array.array("h", (round(v * 16384) for v in normals)))

    def _modifiers(self, obj):
        out = []
        for modifier in obj.modifiers:
            values = self._struct(modifier, 1, _MODIFIER_UI)
            try:  # geometry nodes' inputs are custom properties of their modifier
                names = sorted(modifier.keys())
            except TypeError:  # other modifiers have none (Blender 3.4 says so)
                names = []
            inputs = tuple((k, self._value(_plain_idprop(modifier[k]), 1)) for k in names)
            out.append((modifier.type, values, inputs))
        return tuple(out)

    def _particles(self, obj):
        return tuple((p.seed, self._struct(p.settings, 1, _ID)) for p in
                     getattr(obj, "particle_systems", ()))

    # -- materials, node trees, images ---------------------------------------------------------

    def material(self, material):
        key = ("material", material.as_pointer())
        if key not in self._done:
            digest = _Digest()
            digest.add("material", self._struct(material, 1, _ID | {
                "node_tree", "preview_render_type", "use_preview_world", "texture_paint_images",
                "texture_paint_slots", "paint_active_slot", "paint_clone_slot", "grease_pencil",
                "is_grease_pencil", "lineart", "line_color", "line_priority"}))
            tree = material.node_tree if compat.uses_nodes(material) else None
            digest.add("nodes", self.node_tree(tree) if tree is not None else None)
            self._done[key] = digest.hexdigest()
        return self._done[key]

    def node_tree(self, tree):
        key = ("tree", tree.as_pointer())
        if key in self._done:
            return self._done[key]
        self._done[key] = "recursive"  # a group inside itself (Blender refuses it) stays finite
        needs = set()
        digest = _Digest()
        digest.add("tree", tree.bl_idname)
        for node in sorted(tree.nodes, key=lambda n: n.name):
            digest.add("node", node.name, node.bl_idname, self._struct(node, 3, _NODE_UI))
            for side, sockets in (("in", node.inputs), ("out", node.outputs)):
                digest.add(side, [(i, s.identifier, s.bl_idname,
                                   self._value(getattr(s, "default_value", None), 1))
                                  for i, s in enumerate(sockets)])
            needs |= self._node_needs(node)
            group = getattr(node, "node_tree", None)
            if group is not None:
                needs |= self._needs.get(group.as_pointer(), set())
        links = sorted((l.from_node.name, l.from_socket.identifier,
                        _index(l.from_node.outputs, l.from_socket), l.to_node.name,
                        l.to_socket.identifier, _index(l.to_node.inputs, l.to_socket),
                        getattr(l, "is_muted", False), l.is_valid) for l in tree.links)
        digest.add("links", links)
        self._needs[tree.as_pointer()] = needs
        self._done[key] = digest.hexdigest()
        return self._done[key]

    @staticmethod
    def _node_needs(node):
        kind = node.bl_idname
        if kind in _SCENE_NODES:
            return {"scene"}
        if kind in _CAMERA_NODES:
            return {"camera"}
        if kind == "ShaderNodeTexCoord":
            linked = any(node.outputs[n].is_linked for n in _CAMERA_COORDINATES
                         if n in node.outputs)
            return {"camera"} if linked else set()
        if kind == "ShaderNodeObjectInfo":
            return {"object"}
        if kind == "ShaderNodeAttribute":
            where = getattr(node, "attribute_type", "GEOMETRY")
            return {"scene"} if where == "VIEW_LAYER" else {"object"} if where in (
                "OBJECT", "INSTANCER") else set()
        return set()

    def _trees_of(self, obj):
        trees, todo = [], [s.material.node_tree for s in obj.material_slots
                           if s.material is not None and s.material.node_tree is not None]
        while todo:
            tree = todo.pop()
            if tree in trees:
                continue
            trees.append(tree)
            todo += [n.node_tree for n in tree.nodes if getattr(n, "node_tree", None)]
        return trees

    @staticmethod
    def _attribute_names(tree):
        return sorted(n.attribute_name for n in tree.nodes if n.bl_idname == "ShaderNodeAttribute"
                      and getattr(n, "attribute_type", "") in ("OBJECT", "INSTANCER"))

    def image(self, image):
        key = ("image", image.as_pointer())
        if key in self._done:
            return self._done[key]
        digest = _Digest()
        width, height = image.size[:]
        digest.add("image", image.source, width, height, image.channels, image.is_float,
                   image.colorspace_settings.name, image.alpha_mode,
                   getattr(image, "use_half_precision", None), image.frame_duration)
        if image.source in ("TILED", "SEQUENCE", "MOVIE"):
            digest.add("file", bpy.path.abspath(image.filepath_raw), image.library is not None)
            digest.add("tiles", [(t.number, tuple(t.size)) for t in getattr(image, "tiles", ())])
            for packed in image.packed_files:
                digest.buffer("packed", packed.data)
        if width * height > 0:
            digest.buffer("pixels", images.pixels(image))
        else:  # a file that is missing: what the bake would find too
            digest.add("no pixels", image.filepath_raw)
        self._done[key] = digest.hexdigest()
        return self._done[key]

    # -- the scene's light, the camera ---------------------------------------------------------

    def light(self):
        """Everything that lights or shadows a bake: the world, every object of the view layer
        and every instance."""
        if self._light is not None:
            return self._light
        digest = _Digest()
        world = self.scene.world
        if world is None:
            digest.add("world", None)
        else:
            digest.add("world", self._struct(world, 1, _ID | {"node_tree"}))
            nodes = world.node_tree if compat.uses_nodes(world) else None
            digest.add("world nodes", self.node_tree(nodes) if nodes is not None else None)
        for obj in sorted(self.view_layer.objects, key=lambda o: o.name_full):
            digest.add("object", obj.name_full, obj.type,
                       tuple(self._value(getattr(obj, n, None), 0) for n in _VISIBILITY),
                       obj.hide_get(view_layer=self.view_layer),
                       obj.visible_get(view_layer=self.view_layer))
            if obj.hide_render or obj.type == "CAMERA":  # bakes see no camera (see camera())
                continue
            digest.add("matrix", _matrix(self._evaluated(obj).matrix_world))
            if obj.type == "LIGHT":
                light = obj.data
                digest.add("light", self._struct(light, 1, _ID | {"node_tree"}))
                nodes = light.node_tree if getattr(light, "use_nodes", False) else None
                digest.add("light nodes", self.node_tree(nodes) if nodes is not None else None)
                continue
            if obj.type in _GEOMETRY:
                digest.add("geometry", self.geometry(obj), self._modifiers(obj),
                           self._particles(obj),
                           [(s.link, self.material(s.material) if s.material else None)
                            for s in obj.material_slots])
            elif obj.data is not None and isinstance(obj.data, bpy.types.ID):
                digest.add("data", self._struct(obj.data, 0, _ID),
                           [(s.link, self.material(s.material) if s.material else None)
                            for s in obj.material_slots])
            digest.add("instancing", getattr(obj, "instance_type", None),
                       self._value(getattr(obj, "instance_collection", None), 0))
        for instance in self.depsgraph.object_instances:
            if not instance.is_instance:
                continue
            source = instance.object
            original = source.original
            data = None
            if isinstance(source.data, bpy.types.Mesh):
                key = ("instance data", source.data.as_pointer())
                if key not in self._done:
                    self._done[key] = self._mesh(source.data, normals=VERSION >= (4, 1, 0))
                data = self._done[key]
            digest.add("instance", original.name_full if original else None,
                       instance.parent.original.name_full if instance.parent else None,
                       _matrix(instance.matrix_world), tuple(instance.persistent_id),
                       instance.random_id, data,
                       [self.material(s.material) if s.material else None
                        for s in source.material_slots])
        self._light = digest.hexdigest()
        return self._light

    def camera(self):
        if self._camera is None:
            camera = self.scene.camera
            self._camera = None if camera is None else repr((
                camera.name_full, _matrix(self._evaluated(camera).matrix_world),
                self._struct(camera.data, 1, _ID) if camera.data is not None else None,
                self.scene.render.resolution_x, self.scene.render.resolution_y,
                self.scene.render.pixel_aspect_x, self.scene.render.pixel_aspect_y))
        return self._camera

    # -- RNA values ----------------------------------------------------------------------------

    def _evaluated(self, obj):
        try:
            return obj.evaluated_get(self.depsgraph)
        except (RuntimeError, ReferenceError):
            return obj

    def _struct(self, struct, depth, skip, prefix_skip=None):
        """Every property of an RNA struct but those in `skip`, as a tuple of (name, value):
        IDs by what they hold (images, node trees, materials, objects' matrices, texts), other
        structs and collections `depth` levels down."""
        out = []
        for prop in struct.bl_rna.properties:
            name = prop.identifier
            if name in skip or (prefix_skip and (name.startswith(prefix_skip)
                                                 or name.startswith("use_" + prefix_skip))) \
                    or getattr(prop, "is_deprecated", False):  # 5.0+: reading one warns
                continue
            try:
                value = getattr(struct, name)
            except (AttributeError, RuntimeError, TypeError, ValueError):
                continue
            if prop.type == "COLLECTION":
                if depth > 0:
                    out.append((name, tuple(self._value(item, depth) for item in value)))
            elif prop.type == "POINTER":
                if value is None or isinstance(value, bpy.types.ID):
                    out.append((name, self._value(value, depth)))
                elif depth > 0 and not isinstance(value, (bpy.types.Node, bpy.types.NodeSocket)):
                    out.append((name, self._struct(value, depth - 1, {"rna_type"})))
            else:
                out.append((name, self._value(value, depth)))
        return tuple(out)

    def _value(self, value, depth):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, set):  # enum flags
            return tuple(sorted(value))
        if isinstance(value, bpy.types.ID):
            return self._id(value)
        if isinstance(value, bpy.types.bpy_struct):
            if depth <= 0:
                return type(value).__name__
            return self._struct(value, depth - 1, {"rna_type"})
        if isinstance(value, (bytes, bytearray)):
            return hashlib.sha256(value).hexdigest()
        try:  # vectors, colours, matrices, arrays
            return tuple(self._value(v, depth) for v in value)
        except TypeError:
            return repr(value)

    def _id(self, value):
        if isinstance(value, bpy.types.Image):
            return ("image", self.image(value))
        if isinstance(value, bpy.types.NodeTree):
            return ("tree", self.node_tree(value))
        if isinstance(value, bpy.types.Material):
            return ("material", self.material(value))
        if isinstance(value, bpy.types.Object):
            return ("object", value.name_full, _matrix(self._evaluated(value).matrix_world))
        if isinstance(value, bpy.types.Text):
            return ("text", hashlib.sha256(value.as_string().encode("utf-8", "surrogatepass"))
                    .hexdigest())
        return (type(value).__name__, value.name_full)


def _matrix(matrix):
    return tuple(tuple(row) for row in matrix)


def _index(sockets, socket):
    for i, one in enumerate(sockets):
        if one == socket:
            return i
    return -1


def _plain_idprop(value):
    if hasattr(value, "to_dict"):
        return tuple(sorted((k, _plain_idprop(v)) for k, v in value.to_dict().items()))
    if hasattr(value, "to_list"):
        return tuple(value.to_list())
    if isinstance(value, dict):
        return tuple(sorted((k, _plain_idprop(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_plain_idprop(v) for v in value)
    return value


def _attribute_value(obj, name):
    """What an Attribute node of type OBJECT reads by `name`: a property path of the object or
    its data, or a custom property."""
    for owner in (obj, obj.data):
        if owner is None:
            continue
        try:
            return _plain_idprop(owner.path_resolve(name))
        except (ValueError, TypeError, AttributeError):
            pass
        if name in getattr(owner, "keys", lambda: ())():
            return _plain_idprop(owner[name])
    return None


def blend_name():
    """The open .blend's file name, for the entries' meta (not part of any key)."""
    return os.path.basename(bpy.data.filepath) if bpy.data.filepath else None
