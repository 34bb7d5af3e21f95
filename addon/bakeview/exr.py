"""Reading back the OpenEXR files bakeview has Blender write for it: scanline files, single or
multi-part, uncompressed, FLOAT or HALF channels (the layout `exr_codec = "NONE"` gives).
Anything else is refused with the reason; this is not a general EXR reader.

The layout (openexr.com, "OpenEXR File Layout"): magic and version, a header of attributes (name,
type, size, value) ending in an empty name, a table of one 64-bit offset per scanline block
(one scanline each, uncompressed), then each block: y, byte count, and the line's values channel
after channel in the header's (alphabetical) order. A multi-part file (Blender 5's File Output
writes one) has a header per part, an empty header after the last, a table per part, and each
block starts with its part's number.
"""
import array
import struct

MAGIC = 20000630
_SIZES = {1: 2, 2: 4}  # pixel type -> bytes: HALF, FLOAT (UINT, 0, is not a colour Blender writes)
_TILED, _LONG_NAMES, _DEEP, _MULTIPART = 0x200, 0x400, 0x800, 0x1000


class Exr:
    """An EXR's channels as float32 planes, row 0 at the BOTTOM (as Blender's Image.pixels)."""

    def __init__(self, width, height, planes):
        self.width, self.height = width, height
        self.planes = planes  # channel name -> array("f") of width * height

    def interleaved(self, names):
        """The channels `names`, interleaved pixel by pixel (RGBA from ("R", "G", "B", "A"))."""
        count = len(names)
        out = array.array("f", [0.0]) * (count * self.width * self.height)
        for k, name in enumerate(names):
            out[k::count] = self.planes[name]
        return out


def read(path):
    with open(path, "rb") as f:
        return parse(f.read(), path)


def parse(data, what="the EXR file"):
    """An Exr from the bytes of a file; ValueError naming what does not fit. The channels of a
    multi-part file are named PART.CHANNEL unless their names hold a layer already."""
    view = memoryview(data)

    def need(end, part):
        if end > len(data):
            raise ValueError(f"{what} is cut short in its {part}")

    need(8, "magic number")
    magic, version = struct.unpack_from("<ii", data, 0)
    if magic != MAGIC:
        raise ValueError(f"{what} is not an OpenEXR file")
    if version & (_TILED | _DEEP):
        raise ValueError(f"{what} is tiled or deep: only scanline files are read")
    multipart = bool(version & _MULTIPART)
    headers, offset = [], 8
    while True:  # one header, or a header per part ending in an empty one
        header, offset = _header(data, offset, need, what)
        if not header:
            break
        headers.append(header)
        if not multipart:
            break
    if not headers:
        raise ValueError(f"{what} has no header")
    parts = [_part(header, what, multipart) for header in headers]
    (x0, y0, x1, y1) = parts[0]["window"]
    width, height = x1 - x0 + 1, y1 - y0 + 1
    planes = {}
    for part in parts:
        if part["window"] != parts[0]["window"]:
            raise ValueError(f"{what} has parts of different sizes")
        for name, _ in part["channels"]:
            if name in planes:
                raise ValueError(f"{what} names channel {name!r} twice")
            planes[name] = bytearray(4 * width * height)
    for part in parts:
        need(offset + 8 * height, "offset table")
        part["offsets"] = struct.unpack_from(f"<{height}Q", data, offset)
        offset += 8 * height
    for index, part in enumerate(parts):
        line = sum(_SIZES[kind] for _, kind in part["channels"]) * width
        seen = bytearray(height)
        for block in part["offsets"]:
            if multipart:  # each chunk starts with its part's number
                need(block + 4, "scanlines")
                if struct.unpack_from("<i", data, block)[0] != index:
                    raise ValueError(f"{what} has a chunk in the wrong part")
                block += 4
            need(block + 8, "scanlines")
            y, size = struct.unpack_from("<ii", data, block)
            if not y0 <= y <= y1 or size != line:
                raise ValueError(f"{what} has a scanline block that does not fit its header")
            need(block + 8 + size, "scanlines")
            row = y1 - y  # the file's first line is the image's top; ours is its bottom
            seen[row] = 1
            at = block + 8
            for name, kind in part["channels"]:
                count = _SIZES[kind] * width
                values = view[at:at + count]
                if kind == 1:  # HALF: widen to float32
                    values = array.array("f", struct.unpack(f"<{width}e", values)).tobytes()
                planes[name][4 * width * row:4 * width * (row + 1)] = values
                at += count
        if not all(seen):
            raise ValueError(f"{what} is missing scanlines")
    floats = {}
    for name, plane in planes.items():
        values = array.array("f")
        values.frombytes(plane)  # EXR is little-endian, as every machine Blender runs on
        floats[name] = values
    return Exr(width, height, floats)


def _header(data, offset, need, what):
    """({attribute name: value bytes}, offset after the header); an empty header is {}."""
    header = {}
    while True:
        end = data.find(b"\0", offset)
        if end < 0:
            raise ValueError(f"{what} is cut short in its header")
        name = data[offset:end].decode("latin-1")
        offset = end + 1
        if not name:
            return header, offset
        end = data.find(b"\0", offset)
        need(end + 5 if end >= 0 else len(data) + 1, "header")
        size = struct.unpack_from("<i", data, end + 1)[0]
        start = end + 5
        if size < 0:
            raise ValueError(f"{what}: attribute {name!r} has a negative size")
        need(start + size, f"attribute {name!r}")
        header[name] = data[start:start + size]
        offset = start + size


def _part(header, what, multipart):
    """A header's data window and channels (named PART.CHANNEL in a multi-part file)."""
    for required in ("channels", "compression", "dataWindow"):
        if required not in header:
            raise ValueError(f"{what} has no {required} attribute")
    if header["compression"][:1] != b"\0":
        raise ValueError(f"{what} is compressed (codec {header['compression'][0]}): "
                         "only uncompressed files are read")
    if multipart and header.get("type", b"scanlineimage\0").rstrip(b"\0") != b"scanlineimage":
        raise ValueError(f"{what} has a part that is not a scanline image")
    if len(header["dataWindow"]) != 16:
        raise ValueError(f"{what} has a malformed dataWindow")
    window = struct.unpack("<4i", header["dataWindow"])
    if window[2] < window[0] or window[3] < window[1]:
        raise ValueError(f"{what} has an empty data window")
    channels = _channels(header["channels"], what)
    part = header.get("name", b"").rstrip(b"\0").decode("latin-1")
    if multipart and part:
        channels = [(name if "." in name else f"{part}.{name}", kind) for name, kind in channels]
    return {"window": window, "channels": channels}


def _channels(chlist, what):
    """[(name, pixel type)] in the file's order."""
    out, offset = [], 0
    while True:
        end = chlist.find(b"\0", offset)
        if end < 0:
            raise ValueError(f"{what} has a malformed channel list")
        if end == offset:
            break
        name = chlist[offset:end].decode("latin-1")
        if end + 17 > len(chlist):
            raise ValueError(f"{what} has a malformed channel list")
        kind, _, x_sampling, y_sampling = struct.unpack_from("<iB3xii", chlist, end + 1)
        if kind not in _SIZES:
            raise ValueError(f"{what}: channel {name!r} is not HALF or FLOAT")
        if x_sampling != 1 or y_sampling != 1:
            raise ValueError(f"{what}: channel {name!r} is subsampled")
        out.append((name, kind))
        offset = end + 17
    if not out:
        raise ValueError(f"{what} has no channels")
    return out
