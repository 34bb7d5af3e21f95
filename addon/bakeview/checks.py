"""Checks of the arguments callers pass, before any work: each raises TypeError (wrong type) or
ValueError (out of range) naming the argument and what it got."""
import math
import os

import bpy


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def boolean(value, what):
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be True or False, got {value!r}")
    return value


def whole(value, what, low=0, high=None):
    """An int within low .. high (high None: no limit)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        limits = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{what} must be {limits}, got {value!r}")
    return value


def samples(value, what="samples"):
    """AUTO (any case) or a whole number of samples per axis, 1 to 16: returns "AUTO" or it."""
    if isinstance(value, str):
        return choice(value, what, ("AUTO",))
    return whole(value, what, 1, 16)


def number(value, what, low=None, high=None, optional=False):
    """A finite int or float within low .. high (None: no limit); None too with optional=True."""
    if value is None and optional:
        return value
    if not _number(value):
        raise TypeError(f"{what} must be a number, got {value!r}")
    if not math.isfinite(value) or (low is not None and value < low) or (
            high is not None and value > high):
        limits = " and ".join(x for x in (f">= {low}" if low is not None else "",
                                          f"<= {high}" if high is not None else "") if x)
        raise ValueError(f"{what} must be a finite number{' ' + limits if limits else ''}, "
                         f"got {value!r}")
    return value


def choice(value, what, choices, optional=False):
    """One of `choices` (upper-case names), in any case: returns the name as listed (so "hash",
    "Hash" and "HASH" all give "HASH"); None too with optional=True. Every enumeration of the
    public API goes through here, so all of them take any case."""
    if value is None and optional:
        return value
    if isinstance(value, str):
        for name in choices:
            if value.upper() == name.upper():
                return name
    raise (ValueError if isinstance(value, str) else TypeError)(
        f"{what} must be one of {', '.join(choices)}, got {value!r}")


def choices(value, what, names):
    """A name or a collection of names among `names`, in any case, as a tuple of the names as
    listed, in the order given."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)) or not all(
            isinstance(p, str) for p in items):
        raise TypeError(f"{what} must be a name or a list of them ({', '.join(names)}), "
                        f"got {value!r}")
    out = []
    for item in items:
        if not any(item.upper() == n.upper() for n in names):
            raise ValueError(f"{what} must be among {', '.join(names)}, got {item!r}")
        out.append(choice(item, what, names))
    return tuple(out)


def size(value, what, high=None):
    """(width, height): two ints within 1 .. high (None: the range is checked elsewhere)."""
    try:
        width, height = value
    except (TypeError, ValueError):
        width = height = None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (width, height)):
        raise TypeError(f"{what} must be (width, height) in whole pixels, got {value!r}")
    if high is not None and not (1 <= width <= high and 1 <= height <= high):
        raise ValueError(f"{what} must be between 1 and {high} pixels a side, got {value!r}")
    return width, height


def name(value, what):
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a name (str), got {value!r}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    return value


def path(value, what="path"):
    if value is not None and not isinstance(value, (str, bytes, os.PathLike)):
        raise TypeError(f"{what} must be a file path (str or os.PathLike), got {value!r}")
    return value


def scene(value):
    """A Scene, or None for the context's."""
    if value is not None and not isinstance(value, bpy.types.Scene):
        raise TypeError(f"scene must be a bpy.types.Scene or None, got {value!r}")
    return value
