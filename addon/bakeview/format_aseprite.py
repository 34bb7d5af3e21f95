"""A sprite sheet's frame table as Aseprite's JSON export (hash form) writes it.

Frames are keyed "0", "1", ... in animation order (Aseprite's {frame} file name format, the keys
Phaser's anims.createFromAseprite looks up), each with the TexturePacker fields and its duration
in milliseconds (Aseprite's unit: 1000 / frame rate, rounded); meta.frameTags has one tag per
animation over its frames. Aseprite has no pivot: the frame table's pivot is not written."""
import json


def text(sheet, animations):
    (width, height), = sheet.pages  # sheet_formats.check_pages: one page
    duration = max(1, round(1000.0 / sheet.frame_rate))
    frames, tags = {}, []
    for name, members in animations.items():
        tags.append({"name": name, "from": len(frames), "to": len(frames) + len(members) - 1,
                     "direction": "forward", "color": "#000000ff"})
        for f in members:
            x, y, w, h = f["frame"]
            sx, sy, _, _ = f["source"]
            _, _, source_w, source_h = f["source_size"]
            frames[str(len(frames))] = {
                "frame": {"x": x, "y": y, "w": w, "h": h},
                "rotated": False,
                "trimmed": f["trimmed"],
                "spriteSourceSize": {"x": sx, "y": sy, "w": w, "h": h},
                "sourceSize": {"w": source_w, "h": source_h},
                "duration": duration,
            }
    meta = {
        "app": "bakeview", "version": "1.3", "image": sheet.images[0], "format": "RGBA8888",
        "size": {"w": width, "h": height}, "scale": "1", "frameTags": tags,
        "layers": [{"name": "bakeview", "opacity": 255, "blendMode": "normal"}], "slices": [],
    }
    return json.dumps({"frames": frames, "meta": meta}, indent=1) + "\n"
