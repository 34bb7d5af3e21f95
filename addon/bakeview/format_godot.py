"""A sprite sheet's frame table as a Godot SpriteFrames resource (.tres), for AnimatedSprite
(Godot 3) and AnimatedSprite2D (Godot 4): one animation per table animation, looping at the sheet's
frame rate; each frame an AtlasTexture of its page with the packed region and, for a trimmed
frame, the margin that puts it back in its untrimmed box (the trim's left and top, and the size
trimmed away). Identical frames (dedupe) share one AtlasTexture.

The pages are external resources named by their file names, which Godot reads relative to the
.tres: keep the files together anywhere in the project. Godot 3's text format is format=2 (integer
ids, "( 1 )" spacing), Godot 4's format=3 (string ids, StringName names, per-frame durations)."""


def _string(value):
    """A Godot string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _real(value):
    """A float as Godot writes one: 24.0, 12.5."""
    text = f"{value:.9g}"
    return text if any(c in text for c in ".en") else text + ".0"


def _atlas_textures(frames):
    """[(page, region, margin or None)] once per distinct frame, and each frame's index there."""
    distinct, index = {}, []
    for f in frames:
        x, y, w, h = f["frame"]
        sx, sy, _, _ = f["source"]
        _, _, source_w, source_h = f["source_size"]
        margin = (sx, sy, source_w - w, source_h - h) if f["trimmed"] else None
        key = (f["page"], (x, y, w, h), margin)
        index.append(distinct.setdefault(key, len(distinct)))
    return list(distinct), index


def _text(sheet, animations, godot4):
    """The resource in Godot 4's text format, or Godot 3's: how ids, calls, arrays, frames and
    names are written is all that differs."""
    def call(name, argument):
        return f"{name}({argument})" if godot4 else f"{name}( {argument} )"

    def array(items):
        return f"[{items}]" if godot4 else f"[ {items} ]"

    def ext_id(page):
        return f'"{page + 1}_page"' if godot4 else str(page + 1)

    def sub_id(number):
        return f'"AtlasTexture_{number + 1}"' if godot4 else str(number + 1)

    frames = [f for members in animations.values() for f in members]
    textures, index = _atlas_textures(frames)
    lines = [f'[gd_resource type="SpriteFrames" load_steps={len(sheet.images) + len(textures) + 1}'
             f" format={3 if godot4 else 2}]", ""]
    for page, image in enumerate(sheet.images):
        lines += [f'[ext_resource type="Texture2D" path={_string(image)} id={ext_id(page)}]'
                  if godot4 else
                  f'[ext_resource path={_string(image)} type="Texture" id={ext_id(page)}]', ""]
    for number, (page, region, margin) in enumerate(textures):
        lines += [f'[sub_resource type="AtlasTexture" id={sub_id(number)}]',
                  f"atlas = {call('ExtResource', ext_id(page))}"]
        for key, rect in (("region", region), ("margin", margin)):
            if rect is not None:
                lines.append(f"{key} = {call('Rect2', ', '.join(map(str, rect)))}")
        lines.append("")
    entries, at = [], 0
    for name, members in animations.items():
        references = [call("SubResource", sub_id(index[at + k])) for k in range(len(members))]
        if godot4:  # Godot 4's frames carry a relative duration
            references = [f'{{\n"duration": 1.0,\n"texture": {r}\n}}' for r in references]
        at += len(members)
        entries.append(f'{{\n"frames": {array(", ".join(references))},\n"loop": true,\n'
                       f'"name": {"&" if godot4 else ""}{_string(name)},\n'
                       f'"speed": {_real(sheet.frame_rate)}\n}}')
    lines += ["[resource]", f"animations = {array(', '.join(entries))}", ""]
    return "\n".join(lines)


def text_godot3(sheet, animations):
    return _text(sheet, animations, godot4=False)


def text_godot4(sheet, animations):
    return _text(sheet, animations, godot4=True)
