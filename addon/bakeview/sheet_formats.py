"""Engine files beside a sprite sheet's TexturePacker JSON. Each is a function of the one frame
table (SheetResult.frames, y down) and the pages, written with the sheet, all or nothing:

    ASEPRITE  NAME.aseprite.json  Aseprite's JSON (format_aseprite): Phaser's load.aseprite and
                                  anims.createFromAseprite, PixiJS, and the Aseprite importers
    GODOT3    NAME.godot3.tres    a SpriteFrames resource in Godot 3's text format (format_godot)
    GODOT4    NAME.tres           the same in Godot 4's
    LIBGDX    NAME.atlas          a libGDX / Spine texture atlas (format_libgdx)

An animation is the frames sharing the table's "animation" (a view, or ACTION/VIEW), in order;
they play at the sheet's frame rate (the scene's frames per second over the frame step).

Rotation: bakeview packs a rotated frame turned 90 degrees clockwise, as TexturePacker's JSON
means it. libGDX and Spine mean counter-clockwise, Godot's AtlasTexture and Aseprite cannot
rotate: these formats are refused with allow_rotation, before any work."""
from dataclasses import dataclass

from . import checks, format_aseprite, format_godot, format_libgdx

SUFFIXES = {"ASEPRITE": ".aseprite.json", "GODOT3": ".godot3.tres", "GODOT4": ".tres",
            "LIBGDX": ".atlas"}
FORMATS = tuple(SUFFIXES)


@dataclass
class Sheet:
    """What every writer reads."""
    frames: list          # SheetResult.frames
    pages: list           # (width, height) per page
    images: list          # the colour PNG's file name per page, as the files name it
    frame_rate: float     # frames per second an animation plays at
    premultiplied: bool   # the PNGs hold premultiplied colour


def check(formats, allow_rotation):
    """The formats as listed (any case given), refused with allow_rotation; before any work."""
    chosen = checks.choices(formats, "formats", FORMATS)
    if allow_rotation and chosen:
        raise ValueError(
            f"formats {', '.join(chosen)} cannot show frames packed rotated (bakeview turns them "
            f"90 degrees clockwise, as TexturePacker's JSON means; Godot and Aseprite have no "
            f"rotation, libGDX and Spine turn the other way): leave allow_rotation off")
    return chosen


def paths(root, formats):
    """{format: NAME + its suffix} for the sheet whose files start with `root` (no extension)."""
    return {f: root + SUFFIXES[f] for f in formats}


def check_sheet(formats, pages, frames):
    """ValueError for a format that cannot hold this sheet, once it is packed and before any file
    is written: Aseprite holds one image; libGDX region names hold no colon."""
    if "ASEPRITE" in formats and len(pages) > 1:
        raise ValueError(f"formats ASEPRITE describes one image, and the sheet needs {len(pages)} "
                         f"pages: raise max_size, or make smaller frames")
    if "LIBGDX" in formats:
        format_libgdx.check_names(animations(frames))


def animations(frames):
    """{animation: [its frames, in order]}, animations in the order they first appear."""
    out = {}
    for f in frames:
        out.setdefault(f["animation"], []).append(f)
    return out


def text(format, sheet):
    """The file's text."""
    writer = {"ASEPRITE": format_aseprite.text, "GODOT3": format_godot.text_godot3,
              "GODOT4": format_godot.text_godot4, "LIBGDX": format_libgdx.text}[format]
    return writer(sheet, animations(sheet.frames))


def write(path, format, sheet):
    """Writes the file (UTF-8, newline "\\n"), for a staged path."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text(format, sheet))
