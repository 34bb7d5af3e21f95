"""bakeview.preview(SHEET.json) and `bakeview preview SHEET.json`: a quick look at a written sheet's animations, from its files alone
(no Blender needed): an animated PNG per animation and one self-contained HTML page that plays
them all.

Read: the TexturePacker JSON sprite_sheet wrote (a page's, hash or array, with the pages its
related_multi_packs name; or the multi-pack NAME.json of several pages), its PNG pages, and
meta.bakeview.frame_rate (the frames per second its animations play at; 12 for a sheet without
one, or fps=). The animations are the JSON's (one per view, or ACTION/VIEW); a sheet of still
views has none, and then plays its frames in order as one animation, "frames" (a turntable).

Written beside the JSON (or in `out`): NAME-preview.html, the page, with the PNG pages and the
frame table inside it (nothing else to copy along), and NAME-preview-ANIMATION.png per
animation, an APNG (written by the core) whose frames are the untrimmed frames exactly as the
sheet's PNG holds them, each lasting 1 / frame rate seconds, looping. Files are written all or
nothing, and refused if they exist unless overwrite."""
import base64
import fractions
import json
import os
import re

from . import _core, files

DEFAULT_FRAME_RATE = 12.0
ALL_FRAMES = "frames"  # the animation of a sheet without animations: every frame in order


class Sheet:
    """A written sheet as a preview needs it."""

    def __init__(self, path):
        self.path = os.path.abspath(os.fspath(path))
        folder = os.path.dirname(self.path)
        data = _read_json(self.path)
        self.pages, self.frames, self.animations, seen = [], {}, {}, set()
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        if "textures" in data:  # the multi-pack form
            for texture in data["textures"]:
                self._add_page(os.path.join(folder, texture["image"]), texture["frames"])
        else:
            queue = [self.path]
            while queue:
                json_path = queue.pop(0)
                if json_path in seen:
                    continue
                seen.add(json_path)
                page = data if json_path == self.path else _read_json(json_path)
                self._add_page(os.path.join(folder, page["meta"]["image"]), page["frames"])
                queue += [os.path.join(folder, n) for n in page["meta"].get("related_multi_packs", [])]
        rate = (meta.get("bakeview") or {}).get("frame_rate")
        self.frame_rate = float(rate) if rate else None
        for name, members in (data.get("animations") or {}).items():
            missing = [m for m in members if m not in self.frames]
            if missing:
                raise ValueError(f"{self.path}: animation {name!r} names frame {missing[0]!r}, "
                                 f"which no page holds")
            self.animations[name] = list(members)
        if not self.animations:
            self.animations[ALL_FRAMES] = list(self.frames)

    def _add_page(self, image, frames):
        index = len(self.pages)
        self.pages.append(image)
        entries = frames.items() if isinstance(frames, dict) else ((f["filename"], f) for f in frames)
        for name, f in entries:
            if name in self.frames:
                raise ValueError(f"{self.path}: frame {name!r} is on two pages")
            r, s, size = f["frame"], f["spriteSourceSize"], f["sourceSize"]
            self.frames[name] = {"page": index, "frame": (r["x"], r["y"], r["w"], r["h"]),
                                 "rotated": bool(f.get("rotated")), "trim": (s["x"], s["y"]),
                                 "size": (size["w"], size["h"])}


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read the sheet {path}: {error}") from None
    if not isinstance(data, dict) or not ("frames" in data or "textures" in data):
        raise ValueError(f"{path} is not a TexturePacker JSON sheet (no frames, no textures)")
    return data


def untrimmed(page, frame, size):
    """A frame as RGBA8 (rows top-down) of `size` (w, h): the page's region (turned back if packed
    rotated, 90 degrees clockwise), at its trim offset, transparent elsewhere."""
    pixels, page_w, _ = page
    x, y, w, h = frame["frame"]
    left, top = frame["trim"]
    width, height = size
    out = bytearray(4 * width * height)
    for v in range(h):
        dst = 4 * ((top + v) * width + left)
        if not frame["rotated"]:
            src = 4 * ((y + v) * page_w + x)
            out[dst:dst + 4 * w] = pixels[src:src + 4 * w]
            continue
        for u in range(w):  # stored turned: the frame's (u, v) is the page's (x + h - 1 - v, y + u)
            src = 4 * ((y + u) * page_w + x + h - 1 - v)
            out[dst + 4 * u:dst + 4 * u + 4] = pixels[src:src + 4]
    return bytes(out)


def _file_name(animation):
    """An animation's name in a file name: separators and spaces become '-'."""
    return re.sub(r"[^A-Za-z0-9_.+-]+", "-", animation).strip("-.") or "animation"


def delay(frame_rate):
    """(numerator, denominator) of 1 / frame_rate seconds in 16-bit terms (APNG's fcTL)."""
    if not (isinstance(frame_rate, (int, float)) and 0.0 < frame_rate < 65536):
        raise ValueError(f"fps must be a number of frames per second above 0, got {frame_rate!r}")
    value = fractions.Fraction(1.0 / frame_rate).limit_denominator(65535)
    while value.numerator > 65535 and value.denominator > 1:  # slow rates: coarser denominators
        value = value.limit_denominator(value.denominator // 2)
    if value.numerator > 65535:
        raise ValueError(f"fps must be a number of frames per second above 1 / 65535, "
                         f"got {frame_rate!r}")
    return value.numerator, value.denominator


def preview(sheet_json, out=None, fps=None, overwrite=False):
    """Writes NAME-preview.html and an APNG per animation; returns their paths."""
    sheet = Sheet(sheet_json)
    rate = float(fps) if fps is not None else sheet.frame_rate or DEFAULT_FRAME_RATE
    numerator, denominator = delay(rate)
    stem = os.path.splitext(os.path.basename(sheet.path))[0]
    folder = os.path.abspath(os.fspath(out)) if out is not None else os.path.dirname(sheet.path)
    names = {}
    for animation in sheet.animations:
        name = f"{stem}-preview-{_file_name(animation)}.png"
        if name in names.values():
            name = f"{stem}-preview-{_file_name(animation)}-{len(names)}.png"
        names[animation] = name
    html_path = os.path.join(folder, f"{stem}-preview.html")
    paths = [os.path.join(folder, n) for n in names.values()] + [html_path]
    files.check_folder(html_path)
    files.refuse_existing(paths, overwrite)
    pages = [_core.read_png(p) for p in sheet.pages]
    staged = files.Staged()
    try:
        for animation, members in sheet.animations.items():
            frames = [sheet.frames[m] for m in members]
            size = (max(f["size"][0] for f in frames), max(f["size"][1] for f in frames))
            _core.write_apng(staged.path(os.path.join(folder, names[animation])),
                             [untrimmed(pages[f["page"]], f, size) for f in frames], *size,
                             delay=(numerator, denominator))
        with open(staged.path(html_path), "w", encoding="utf-8", newline="\n") as f:
            f.write(_page(sheet, rate, names))
        staged.commit()
    finally:
        staged.discard()
    return paths


def _page(sheet, rate, apngs):
    """The HTML page: the pages as data URIs, the frame table, and the player (preview.js)."""
    pages = []
    for path in sheet.pages:
        with open(path, "rb") as f:
            pages.append("data:image/png;base64," + base64.b64encode(f.read()).decode("ascii"))
    table = {"frame_rate": rate, "pages": pages, "frames": sheet.frames,
             "animations": {name: {"frames": members, "apng": apngs[name]}
                            for name, members in sheet.animations.items()}}
    data = json.dumps(table, separators=(",", ":")).replace("</", "<\\/")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "preview.js"),
              encoding="utf-8") as f:
        player = f.read()
    title = os.path.basename(sheet.path).replace("&", "&amp;").replace("<", "&lt;")
    return (f'<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>{title}: '
            f'bakeview preview</title>\n<style>\nbody {{ font: 14px sans-serif; background: '
            f'#2b2b2b; color: #ddd; }}\nfigure {{ display: inline-block; margin: 8px; '
            f'text-align: center; }}\ncanvas {{ background: repeating-conic-gradient(#555 0 25%, '
            f'#444 0 50%) 0 0 / 16px 16px; image-rendering: pixelated; }}\n</style>\n</head>\n'
            f'<body>\n<h1>{title}</h1>\n<p id="info"></p>\n<div id="animations"></div>\n'
            f'<script id="sheet" type="application/json">{data}</script>\n'
            f'<script>\n{player}</script>\n</body>\n</html>\n')
