"""A PNG reader for the tests, independent of bakeview's writers: the file format as the PNG
specification (ISO/IEC 15948) defines it, with zlib from Python's standard library. Non-interlaced
images of 8 or 16 bits per sample, grey, grey + alpha, RGB or RGBA; the five row filters."""
import struct
import zlib

CHANNELS = {0: 1, 4: 2, 2: 3, 6: 4}  # colour type -> samples per pixel
COLOUR_CHUNKS = (b"gAMA", b"cHRM", b"iCCP", b"sRGB")


def read_png(path):
    """(width, height, channels, bits, samples, chunk types): samples is a list of ints, rows
    top-down, channels interleaved, each 0..2**bits - 1."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header, kinds = 8, [], None, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) == crc, f"{path}: bad CRC in {kind!r}"
        pos += 12 + length
        kinds.append(kind)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        else:
            assert kind[0] & 0x20, f"{path}: unexpected critical chunk {kind!r}"
    width, height, bits, colour, _, _, interlace = header
    assert bits in (8, 16) and colour in CHANNELS and interlace == 0, f"{path}: {header}"
    channels = CHANNELS[colour]
    flat = unfilter(zlib.decompress(b"".join(idat)), width, height, channels, bits)
    if bits == 8:
        samples = list(flat)
    else:
        samples = list(struct.unpack(f">{len(flat) // 2}H", flat))
    return width, height, channels, bits, samples, kinds


def unfilter(raw, width, height, channels, bits=8):
    """The rows (top-down, bytes) of an image's inflated data, each row's filter undone."""
    step = channels * bits // 8  # bytes per pixel: the filters' left neighbour
    stride = width * step
    assert len(raw) == height * (stride + 1), f"{len(raw)} bytes of rows"
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for k in range(step, stride):
                line[k] = (line[k] + line[k - step]) & 255
        elif kind == 2:
            for k in range(stride):
                line[k] = (line[k] + previous[k]) & 255
        elif kind == 3:
            for k in range(stride):
                left = line[k - step] if k >= step else 0
                line[k] = (line[k] + (left + previous[k]) // 2) & 255
        elif kind == 4:
            for k in range(stride):
                a = line[k - step] if k >= step else 0
                b = previous[k]
                c = previous[k - step] if k >= step else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[k] = (line[k] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        else:
            assert kind == 0, f"filter type {kind}"
        rows.append(bytes(line))
        previous = line
    return b"".join(rows)
