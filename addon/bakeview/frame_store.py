"""A frame store: the rendered frames ("cells") of one sprite sheet, written by several tasks
(separate processes, on machines that share the folder) and packed into the sheet by one. Pure
Python (no bpy), so the format is read and tested without Blender.

sheet_steps(cells=(I, K), frame_store=DIR) renders the cells c with c % K == I into DIR;
sheet_steps(cells="PACK", frame_store=DIR) reads them all and makes the sheet, byte for byte the
one a single sheet_steps call makes. Cells are numbered in the order a single call renders them:
clip (action), animation frame, view; from 0.

A store folder holds:

    store.json          the header (JSON): what sheet the cells belong to
    cells/000000.cell   one file per cell, 000000 ... (the cell's number, 6 digits or more)

store.json: {"format": "bakeview-frame-store", "version": 1, "byteorder": "little"|"big",
"cells": total cell count, "frame_size": [w, h] (before pixel_scale), "passes": [...],
"settings": {name: value} (the sheet's arguments that decide what a cell holds, as JSON),
"scene": {"objects": [names], "center": [x, y, z], "radius": r} (what the scene gave: the
objects drawn and the framing over every frame), "digest": sha256 hex of the rest, canonical
JSON}. A task that finds a header made with other values refuses, naming the first that differs.

A cell file is, in this order:

    8 bytes      b"BVCELL1\\n"
    8 bytes      the length M of the metadata, unsigned little-endian
    M bytes      the metadata, JSON in UTF-8: {"cell": its number, "store": the header's
                 digest, "name", "animation", "number" (the scene frame), "view": {"name",
                 "direction", "azimuth", "elevation", "cell"}, "matrices": [view, projection]
                 (row-major 4 x 4), "rect": [x, y, w, h] (the trimmed rectangle, y down),
                 "pivot": [x, y] (in [0, 1] of the frame, y down), "depth": [near, far] (the
                 objects' bounding sphere seen from the view), "buffers": [[pass, bytes], ...],
                 "crc32": of the buffers' bytes}
    the buffers  each pass's pixels of the rectangle alone, in the order listed: float32 in the
                 header's byte order, rows bottom first (as the core renders them)

Floats in the JSON are written with Python's repr, which reads back to the same value.

Every file is written under a temporary name in its folder (".NAME.PID.RANDOM.tmp") and renamed
into place (os.replace): a task killed while writing leaves no partial cell, only its temporary
file, which nothing reads. A cell file that is there, whole, and of this store's digest is a
rendered cell: a task run again (after a crash) renders only the cells missing (and those
whose pixels fail their checksum).
"""
import hashlib
import json
import os
import struct
import sys
import zlib
from dataclasses import dataclass, field

from .files import write_whole

FORMAT = "bakeview-frame-store"
VERSION = 1
HEADER = "store.json"
CELLS = "cells"
MAGIC = b"BVCELL1\n"
_LENGTH = struct.Struct("<Q")
_SECTIONS = ("settings", "scene")  # the header's parts compared name by name


class FrameStoreError(ValueError):
    """A frame store that cannot serve this sheet: made with other settings, cells missing or
    damaged. The message names the store and what is wrong."""


@dataclass
class Cell:
    """One rendered frame of a sheet, as the store keeps it."""
    name: str
    animation: str
    number: int       # the scene frame
    view: dict        # {"name", "direction", "azimuth", "elevation", "cell"}
    matrices: list    # [view, projection], row-major 4 x 4
    rect: tuple       # (x, y, w, h): the trimmed rectangle, y down
    pivot: tuple      # (x, y) in [0, 1] of the frame, y down
    depth: tuple      # (near, far)
    buffers: dict     # pass -> bytes-like: the rectangle's float32 pixels


@dataclass
class CellsResult:
    """What a cell task (sheet_steps(cells=(I, K), ...)) did."""
    folder: str
    total: int                 # the sheet's cell count
    cells: list = field(default_factory=list)    # this task's cells: I, I + K, ...
    written: list = field(default_factory=list)  # rendered and written now
    kept: list = field(default_factory=list)     # in the store already, not rendered again


def header(cells, frame_size, passes, settings, scene):
    """A store header for a sheet (see the module): its values as JSON makes them."""
    out = {"format": FORMAT, "version": VERSION, "byteorder": sys.byteorder, "cells": cells,
           "frame_size": list(frame_size), "passes": list(passes), "settings": settings,
           "scene": scene}
    out = json.loads(json.dumps(out))  # tuples as lists: compared as read back
    out["digest"] = _digest(out)
    return out


def _digest(values):
    text = json.dumps({k: v for k, v in values.items() if k != "digest"}, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _show(value):
    return json.dumps(value)


def _differences(found, wanted, compare_scene):
    """What differs between a store's header (found) and a sheet's (wanted), each as
    'NAME VALUE in the store, VALUE here'; scene values only those `wanted` has (compare_scene:
    all of them)."""
    out = []
    for key in ("format", "version", "byteorder", "cells", "frame_size", "passes"):
        if found.get(key) != wanted[key]:
            out.append((key, found.get(key), wanted[key]))
    for section in _SECTIONS:
        theirs, ours = found.get(section) or {}, wanted[section]
        keys = list(ours)
        if section == "settings" or compare_scene:
            keys += [k for k in theirs if k not in ours]
        for key in keys:
            if theirs.get(key, "<none>") != ours.get(key, "<none>"):
                out.append((key, theirs.get(key, "<none>"), ours.get(key, "<none>")))
    return [f"{k} {_show(a)} in the store, {_show(b)} here" for k, a, b in out]


class Store:
    """A frame store folder for one sheet: its header checked against the sheet's."""

    def __init__(self, folder, values):
        self.folder = os.fspath(folder)
        self.values = values
        self.total = values["cells"]
        self.digest = values["digest"]

    @classmethod
    def create(cls, folder, wanted):
        """The store at `folder` for a cell task: made (folder, parents and header) when it does
        not exist; else its header must be `wanted` in every value."""
        folder = os.fspath(folder)
        path = os.path.join(folder, HEADER)
        if not os.path.exists(path):
            os.makedirs(os.path.join(folder, CELLS), exist_ok=True)
            write_whole(path, json.dumps(wanted, indent=1, sort_keys=True).encode())
        store = cls._read(folder)  # another task may have written it first: compared the same
        store._check(wanted, compare_scene=True)
        os.makedirs(os.path.join(folder, CELLS), exist_ok=True)
        return store

    @classmethod
    def open(cls, folder, wanted):
        """The store at `folder` for the pack task: it must exist, and its header must hold
        `wanted`'s values (of "scene", only those wanted has: the pack renders nothing and does
        not frame)."""
        store = cls._read(os.fspath(folder))
        store._check(wanted, compare_scene=False)
        return store

    @classmethod
    def _read(cls, folder):
        path = os.path.join(folder, HEADER)
        try:
            with open(path, "rb") as f:
                values = json.loads(f.read().decode())
        except FileNotFoundError:
            raise FrameStoreError(f"frame store {folder} has no {HEADER}: it is not a frame "
                                  "store, or no cell task has run on it yet") from None
        except (OSError, ValueError) as error:
            raise FrameStoreError(f"frame store {folder}: cannot read {HEADER}: {error}") from None
        if not isinstance(values, dict) or values.get("format") != FORMAT:
            raise FrameStoreError(f"frame store {folder}: {HEADER} is not a bakeview frame "
                                  "store header")
        if values.get("digest") != _digest(values):
            raise FrameStoreError(f"frame store {folder}: {HEADER} was changed after it was "
                                  "written (its digest does not match)")
        return cls(folder, values)

    def _check(self, wanted, compare_scene):
        different = _differences(self.values, wanted, compare_scene)
        if different:
            raise FrameStoreError(
                f"frame store {self.folder} was made for another sheet: {'; '.join(different)}. "
                "Use another frame store, or the settings it was made with")

    def path(self, index):
        return os.path.join(self.folder, CELLS, f"{index:06d}.cell")

    def has(self, index, verify=False):
        """Whether cell `index` is in the store, whole and of this store; verify: its pixels'
        checksum too (which reads them: a cell task's test, so that a damaged cell is rendered
        again; the pack checks each cell as it reads it)."""
        try:
            with open(self.path(index), "rb") as f:
                meta, start = _read_meta(f)
                size = os.fstat(f.fileno()).st_size
                return (meta.get("cell") == index and meta.get("store") == self.digest
                        and size == start + sum(n for _, n in meta["buffers"])
                        and (not verify or zlib.crc32(f.read()) == meta["crc32"]))
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def missing(self):
        """The cells not in the store (has() False), in order."""
        return [c for c in range(self.total) if not self.has(c)]

    def write(self, index, cell):
        """Writes cell `index` (a Cell) atomically: whole, or not at all."""
        buffers = [(p, memoryview(b).cast("B")) for p, b in cell.buffers.items()]
        crc = 0
        for _, data in buffers:
            crc = zlib.crc32(data, crc)
        meta = {"cell": index, "store": self.digest, "name": cell.name,
                "animation": cell.animation, "number": cell.number, "view": cell.view,
                "matrices": cell.matrices, "rect": list(cell.rect), "pivot": list(cell.pivot),
                "depth": list(cell.depth), "buffers": [[p, data.nbytes] for p, data in buffers],
                "crc32": crc}
        text = json.dumps(meta, separators=(",", ":")).encode()
        write_whole(self.path(index), [MAGIC, _LENGTH.pack(len(text)), text]
                      + [data for _, data in buffers])

    def read(self, index):
        """Cell `index` as a Cell, its buffers bytes; FrameStoreError naming the cell when it is
        missing, damaged or of another store."""
        path = self.path(index)
        try:
            with open(path, "rb") as f:
                meta, _ = _read_meta(f)
                payload = f.read()
        except FileNotFoundError:
            raise FrameStoreError(f"frame store {self.folder}: cell {index} is missing") from None
        except (OSError, ValueError) as error:
            raise FrameStoreError(f"frame store {self.folder}: cell {index} ({path}) cannot be "
                                  f"read: {error}") from None
        if meta.get("cell") != index or meta.get("store") != self.digest:
            raise FrameStoreError(f"frame store {self.folder}: cell {index} ({path}) belongs to "
                                  "another sheet (its store digest differs): render it again")
        damaged = FrameStoreError(f"frame store {self.folder}: cell {index} ({path}) is damaged "
                                  "(its pixels do not match their length or checksum): run its "
                                  "cell task again, which renders it again")
        try:
            sizes = meta["buffers"]
            if len(payload) != sum(n for _, n in sizes) or zlib.crc32(payload) != meta["crc32"]:
                raise damaged
            buffers, at = {}, 0
            for name, size in sizes:
                buffers[name] = payload[at:at + size]
                at += size
            return Cell(meta["name"], meta["animation"], meta["number"], meta["view"],
                        meta["matrices"], tuple(meta["rect"]), tuple(meta["pivot"]),
                        tuple(meta["depth"]), buffers)
        except (KeyError, TypeError, ValueError):
            raise damaged from None


def ranges(numbers):
    """Numbers as short text: [1, 2, 3, 7] -> '1-3, 7'."""
    out, run = [], []
    for n in numbers:
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def _read_meta(f):
    """(metadata dict, offset of the buffers) of an open cell file; ValueError if it is not one."""
    start = f.read(len(MAGIC) + _LENGTH.size)
    if len(start) != len(MAGIC) + _LENGTH.size or not start.startswith(MAGIC):
        raise ValueError("not a bakeview cell file")
    (length,) = _LENGTH.unpack(start[len(MAGIC):])
    text = f.read(length)
    if len(text) != length:
        raise ValueError("its metadata is cut short")
    meta = json.loads(text.decode())
    if not isinstance(meta, dict):
        raise ValueError("its metadata is not an object")
    return meta, len(start) + length
