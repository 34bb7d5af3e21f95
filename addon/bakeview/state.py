"""Everything bakeview changes to do its work, put back afterwards, also when the work fails half
way: render engine, samples, device, bake settings, file path, selection, active object, hidden
flags, material slots, the node trees of the objects' materials and of the groups they use (added
nodes removed, links put back, the active node and every property of every node and socket
written back where it changed), added UV maps
and the active and rendering ones, added images, and on failure bakeview's records on the
objects.

    with preserved(scene, objects) as keep:
        ...                      # change whatever is needed
        keep.image(new_image)    # what the caller should still have on success
"""
import contextlib

import bpy

from . import records

_CYCLES_SETTINGS = ("samples", "device", "bake_type", "use_adaptive_sampling", "use_denoising")


def rna_values(struct):
    """Writable plain properties of an RNA struct, as {name: value}."""
    values = {}
    for prop in struct.bl_rna.properties:
        if prop.identifier == "rna_type" or prop.is_readonly or prop.type in {"POINTER", "COLLECTION"}:
            continue
        value = getattr(struct, prop.identifier)
        values[prop.identifier] = value[:] if getattr(prop, "is_array", False) else value
    return values


def restore_rna(struct, values):
    for name, value in values.items():
        try:
            if getattr(struct, name) != value:
                setattr(struct, name, value)
        except (AttributeError, TypeError, ValueError):
            pass  # a setting this version does not let us write back


def _materials_of(objects):
    found = {}
    for obj in objects:
        for slot in obj.material_slots:
            if slot.material is not None:
                found[slot.material.name] = slot.material
        for material in getattr(obj.data, "materials", ()):
            if material is not None:
                found[material.name] = material
    return list(found.values())


def _plain(value):
    """A property value as a comparable Python value (arrays as tuples)."""
    if isinstance(value, (str, int, float, bool, set)) or value is None:
        return value
    try:
        return tuple(value)
    except TypeError:
        return value


class _NodeRef(str):
    """A pointer to a node (a node's parent), kept by the node's name."""


class _Held(dict):
    """The values of a struct a struct holds (a node's image_user, texture_mapping, ...)."""


def _struct_values(struct, depth=2):
    """Every property of an RNA struct that can be written back, read generically: plain values,
    pointers to IDs and to nodes (by name), and `depth` levels of the structs it holds
    (image_user, texture_mapping, color_ramp, ...), as {name: value}."""
    values = {}
    for prop in struct.bl_rna.properties:
        name = prop.identifier
        if name == "rna_type" or prop.type == "COLLECTION":
            continue
        try:
            value = getattr(struct, name)
        except AttributeError:  # a property this version lists but cannot read here
            continue
        if prop.type != "POINTER":
            if not prop.is_readonly:
                values[name] = _plain(value)
        elif isinstance(value, bpy.types.Node):
            values[name] = _NodeRef(value.name)
        elif value is None or isinstance(value, bpy.types.ID):
            if not prop.is_readonly:
                values[name] = value
        elif depth > 0 and not isinstance(value, (bpy.types.NodeSocket, bpy.types.NodeTree)):
            values[name] = _Held(_struct_values(value, depth - 1))
    return values


def _restore_struct(struct, values, nodes):
    """Writes back what differs from `values` (_struct_values): node pointers first (a new parent
    moves a node), then plain values and IDs, then the held structs."""
    def order(item):
        return 0 if isinstance(item[1], _NodeRef) else 2 if isinstance(item[1], _Held) else 1

    for name, value in sorted(values.items(), key=order):
        try:
            current = getattr(struct, name)
            if isinstance(value, _Held):
                _restore_struct(current, value, nodes)
            elif isinstance(value, _NodeRef):
                if current is None or current.name != value:
                    setattr(struct, name, nodes.get(value))
            elif _plain(current) != value:
                setattr(struct, name, value)
        except (AttributeError, TypeError, ValueError, ReferenceError):
            pass  # a property this version does not let us write back


def _socket_key(socket):
    return socket.node.name, socket.identifier


def _links(tree):
    """The tree's links as {(from node, from socket, to node, to socket): muted}, sockets by
    identifier (unique on each side of a node: a Mix Shader's two inputs differ)."""
    return {_socket_key(link.from_socket) + _socket_key(link.to_socket):
            getattr(link, "is_muted", False) for link in tree.links}


def _socket(node, identifier, outputs):
    return next((s for s in (node.outputs if outputs else node.inputs)
                 if s.identifier == identifier), None)


def _restore_links(tree, links):
    """Removes the links added since _links, adds back the ones removed, and mutes or unmutes
    each as it was."""
    for link in list(tree.links):
        key = _socket_key(link.from_socket) + _socket_key(link.to_socket)
        if key not in links:
            tree.links.remove(link)
    current = _links(tree)
    for key, muted in links.items():
        if key not in current:
            from_node, to_node = tree.nodes.get(key[0]), tree.nodes.get(key[2])
            if from_node is None or to_node is None:
                continue
            from_socket = _socket(from_node, key[1], True)
            to_socket = _socket(to_node, key[3], False)
            if from_socket is not None and to_socket is not None:
                tree.links.new(from_socket, to_socket)
    for link in tree.links:
        muted = links.get(_socket_key(link.from_socket) + _socket_key(link.to_socket))
        if muted is not None and getattr(link, "is_muted", muted) != muted:
            link.is_muted = muted


def tree_state(tree):
    """A node tree's nodes, each with every writable property (_struct_values) and those of its
    sockets, its links and the active node."""
    nodes = {}
    for node in tree.nodes:
        nodes[node.name] = (_struct_values(node),
                            [_struct_values(socket) for socket in node.inputs],
                            [_struct_values(socket) for socket in node.outputs])
    active = tree.nodes.active
    return nodes, active.name if active is not None else None, _links(tree)


def restore_tree(tree, state):
    """Removes the nodes added since tree_state, puts the links back, makes the active node
    active again, then writes back every property that differs: Blender clears other nodes'
    show_texture when a node becomes active, and that is put back too."""
    nodes, active, links = state
    for node in [n for n in tree.nodes if n.name not in nodes]:
        tree.nodes.remove(node)
    _restore_links(tree, links)
    current = tree.nodes.active
    if (current.name if current is not None else None) != active:
        tree.nodes.active = tree.nodes.get(active) if active else None
    for node in tree.nodes:
        values, inputs, outputs = nodes[node.name]
        _restore_struct(node, values, tree.nodes)
        for sockets, kept in ((node.inputs, inputs), (node.outputs, outputs)):
            for socket, socket_values in zip(sockets, kept):
                _restore_struct(socket, socket_values, tree.nodes)


def groups_of(trees):
    """The node groups the trees use, through nested groups, each once."""
    found, pending = {}, list(trees)
    while pending:
        for node in pending.pop().nodes:
            group = getattr(node, "node_tree", None) if node.type == "GROUP" else None
            if group is not None and group.name not in found:
                found[group.name] = group
                pending.append(group)
    return list(found.values())


def _restore_uv_choices(layers, active, render):
    """Puts back the active and the rendering UV map by name. A mesh with UV maps always gets an
    active one, as Blender keeps it: the first map added to a mesh without any (auto_uv), and a
    mesh that had maps but none active (files Blender 3.4 saved after an earlier bakeview's
    auto_uv bake) get the map that renders. Blender 3.4 crashes on the next UV map added to a
    mesh with maps and active index -1."""
    if not len(layers):
        return
    target = layers.get(active) if active else None
    if target is None:
        target = next((uv for uv in layers if uv.active_render), layers[0])
    if layers.active is None or layers.active.name != target.name:
        layers.active = target
    chosen = layers.get(render) if render else None
    if chosen is not None and not chosen.active_render:
        chosen.active_render = True


class _Kept:
    """What an operation made on purpose and keeps when it succeeds."""

    def __init__(self):
        self.images = set()
        self.uv_maps = set()  # (mesh, uv map name)

    def image(self, image):
        self.images.add(image.name)

    def uv_map(self, mesh, name):
        self.uv_maps.add((mesh.name, name))


class _Snapshot:
    def __init__(self, scene, objects):
        self.scene = scene
        self.view_layer = bpy.context.view_layer
        render = scene.render
        self.engine = render.engine
        self.filepath = render.filepath
        self.bake = rna_values(render.bake)
        cycles = getattr(scene, "cycles", None)
        self.cycles = {k: getattr(cycles, k) for k in _CYCLES_SETTINGS if cycles and hasattr(cycles, k)}
        layer_objects = self.view_layer.objects
        self.selected = {o.name for o in layer_objects if o.select_get()}
        self.active = layer_objects.active.name if layer_objects.active else None
        self.objects = list(objects)
        self.hidden = {o.name: (o.hide_get(), o.hide_select, o.hide_viewport) for o in self.objects}
        self.records = {o.name: records.saved(o) for o in self.objects}
        self.slots = {o.name: [s.material for s in o.material_slots] for o in self.objects}
        self.slot_links = {o.name: [s.link for s in o.material_slots] for o in self.objects}
        self.meshes = {o.data.name: o.data for o in self.objects if o.type == "MESH"}
        # by name: the maps a user chose as active and as rendering (an added map shifts no index,
        # but a name says what to put back and cannot point outside the list)
        self.uv = {
            name: ([uv.name for uv in me.uv_layers],
                   me.uv_layers.active.name if me.uv_layers.active is not None else None,
                   next((uv.name for uv in me.uv_layers if uv.active_render), None))
            for name, me in self.meshes.items()
        }
        # the node trees a bake changes: those of the objects' materials (targets added, the
        # active node moved, which in Blender also clears other nodes' show_texture)
        self.materials = {}
        for material in _materials_of(self.objects):
            if material.node_tree is not None:
                self.materials[material.name] = tree_state(material.node_tree)
        # and the groups they use (material channels are baked through them)
        trees = [m.node_tree for m in _materials_of(self.objects) if m.node_tree is not None]
        self.groups = {group.name: tree_state(group) for group in groups_of(trees)}
        self.use_nodes = {m.name: m.use_nodes for m in bpy.data.materials if bpy.app.version < (5, 0, 0)}
        self.images = {image.name for image in bpy.data.images}
        self.material_names = {m.name for m in bpy.data.materials}

    def restore(self, kept, failed):
        # nodes first: they reference images that may be removed below
        for material in bpy.data.materials:
            before = self.materials.get(material.name)
            if before is not None and material.node_tree is not None:
                restore_tree(material.node_tree, before)
        for name, before in self.groups.items():
            group = bpy.data.node_groups.get(name)
            if group is not None:
                restore_tree(group, before)
        for name, use_nodes in self.use_nodes.items():
            material = bpy.data.materials.get(name)
            if material is not None and material.use_nodes != use_nodes:
                material.use_nodes = use_nodes
        for obj in self.objects:
            slots = self.slots.get(obj.name)
            if slots is None:
                continue
            materials = obj.data.materials  # the slots follow the data lazily: count there
            if not slots:
                materials.clear()  # pop() would leave the object an empty slot
            while len(materials) > len(slots):
                materials.pop(index=len(materials) - 1)
            for slot, material, link in zip(obj.material_slots, slots, self.slot_links[obj.name]):
                if slot.link != link:
                    slot.link = link
                if slot.material != material:
                    slot.material = material
        for material in [m for m in bpy.data.materials if m.name not in self.material_names]:
            bpy.data.materials.remove(material)
        for name, me in self.meshes.items():
            names, active, render = self.uv[name]
            for uv in [uv for uv in me.uv_layers if uv.name not in names]:
                if failed or (name, uv.name) not in kept.uv_maps:
                    me.uv_layers.remove(uv)
            _restore_uv_choices(me.uv_layers, active, render)
        for image in [i for i in bpy.data.images if i.name not in self.images]:
            if failed or image.name not in kept.images:
                bpy.data.images.remove(image)
        for obj in self.objects:
            if failed and records.saved(obj) != self.records[obj.name]:
                records.restore(obj, self.records[obj.name])
        for obj in self.objects:
            hide, hide_select, hide_viewport = self.hidden[obj.name]
            obj.hide_viewport = hide_viewport
            obj.hide_select = hide_select
            if obj.name in self.view_layer.objects:
                obj.hide_set(hide)
        layer_objects = self.view_layer.objects
        for obj in layer_objects:
            selected = obj.name in self.selected
            if obj.select_get() != selected:
                obj.select_set(selected)
        layer_objects.active = layer_objects.get(self.active) if self.active else None
        render = self.scene.render
        if render.engine != self.engine:
            render.engine = self.engine
        render.filepath = self.filepath
        restore_rna(render.bake, self.bake)
        cycles = getattr(self.scene, "cycles", None)
        for key, value in self.cycles.items():
            if getattr(cycles, key) != value:
                setattr(cycles, key, value)


@contextlib.contextmanager
def preserved(scene, objects=()):
    """Snapshot what bakeview may change; restore it on exit. On failure, also remove what was
    added; on success keep what the body declared with keep.image / keep.uv_map."""
    snapshot = _Snapshot(scene, objects)
    kept = _Kept()
    try:
        yield kept
    except BaseException:
        snapshot.restore(kept, failed=True)
        raise
    snapshot.restore(kept, failed=False)


