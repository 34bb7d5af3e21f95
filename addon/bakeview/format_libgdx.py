"""A sprite sheet's frame table as a libGDX / Spine texture atlas (.atlas text).

Written in the layout every libGDX TextureAtlas and Spine runtime reads (libGDX's older one, which
the newer readers still take): per page its file name, size, format, filter and repeat (and
pma: true when the PNGs hold premultiplied colour, which Spine reads); per frame a region named
by its animation with index = its place there (libGDX's findRegions(name) gives the animation in
order; a one-frame animation is one region with index -1), xy and size of the packed rectangle
(y down, as the page is stored), orig = the untrimmed size, and offset = where the trimmed
rectangle sits in it measured from the BOTTOM-left, as libGDX measures. A name holding a colon
or starting or ending in a blank would read as something else: refused by name."""


def check_names(animations):
    for name in animations:
        if ":" in name or name != name.strip() or not name or "\n" in name:
            raise ValueError(f"formats LIBGDX: the animation name {name!r} cannot be a region "
                             f"name of a libGDX atlas (no colon, no blank at either end)")


def text(sheet, animations):
    check_names(animations)
    lines = []
    for page, ((width, height), image) in enumerate(zip(sheet.pages, sheet.images)):
        lines += ["", image, f"size: {width}, {height}", "format: RGBA8888",
                  "filter: Linear, Linear", "repeat: none"]
        if sheet.premultiplied:
            lines.append("pma: true")
        for name, members in animations.items():
            for position, f in enumerate(members):
                if f["page"] != page:
                    continue
                x, y, w, h = f["frame"]
                sx, sy, _, _ = f["source"]
                _, _, source_w, source_h = f["source_size"]
                lines += [name, "  rotate: false", f"  xy: {x}, {y}", f"  size: {w}, {h}",
                          f"  orig: {source_w}, {source_h}",
                          f"  offset: {sx}, {source_h - sy - h}",
                          f"  index: {position if len(members) > 1 else -1}"]
    return "\n".join(lines) + "\n"
