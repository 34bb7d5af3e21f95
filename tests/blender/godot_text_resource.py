"""A reader of Godot 4's text resource format (.tres), written from its documentation ("TSCN file
format", docs.godotengine.org, engine details: file formats) and the value syntax of Godot's
VariantParser that it refers to, strict where they are: used to check what bakeview writes for
Godot 4, which no Godot 4 here can load.

    file     := heading entry*
    entry    := heading | property
    heading  := "[" TAG (KEY "=" value)* "]"      TAG: gd_resource (first, once), ext_resource,
                                                   sub_resource, resource (last, once)
    property := KEY "=" value                      (under a heading)
    value    := NUMBER | STRING | "&" STRING (StringName) | "^" STRING (NodePath) | true | false
              | null | "[" [value ("," value)*] "]" | "{" [value ":" value ("," ...)*] "}"
              | CONSTRUCTOR "(" [value ("," value)*] ")"
    comments: ";" to the end of the line

Returns sections as (tag, {heading fields}, {properties}); constructors as Call(name, args),
StringNames as StringName(text)."""
import re
from dataclasses import dataclass

TAGS = ("gd_resource", "ext_resource", "sub_resource", "resource")
CONSTRUCTORS = {"Vector2", "Vector2i", "Rect2", "Rect2i", "Vector3", "Vector3i", "Color",
                "ExtResource", "SubResource", "Transform2D", "PackedStringArray",
                "PackedInt32Array", "PackedFloat32Array", "PackedVector2Array", "NodePath"}

TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n]+|;[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|inf|nan)(?![A-Za-z_]))
  | (?P<word>[A-Za-z_][A-Za-z0-9_/:.]*)
  | (?P<punct>[\[\]{}(),:=&^])
""", re.VERBOSE)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}


class GrammarError(ValueError):
    pass


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True)
class StringName:
    text: str


def _tokens(text):
    at, out = 0, []
    while at < len(text):
        match = TOKEN.match(text, at)
        if match is None:
            line = text.count("\n", 0, at) + 1
            raise GrammarError(f"line {line}: unexpected {text[at:at + 20]!r}")
        kind = match.lastgroup
        if kind != "space":
            out.append((kind, match.group(), text.count("\n", 0, at) + 1))
        at = match.end()
    return out


def _unquote(token):
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\":
            if i + 1 >= len(body) or body[i + 1] not in ESCAPES:
                raise GrammarError(f"bad escape in {token}")
            out.append(ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


class _Reader:
    def __init__(self, text):
        self.tokens, self.at = _tokens(text), 0

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else (None, None, None)

    def take(self, kind=None, text=None):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (text and token[1] != text):
            raise GrammarError(f"line {token[2]}: expected {text or kind}, got {token[1]!r}")
        self.at += 1
        return token

    def value(self):
        kind, text, line = self.take()
        if kind == "number":
            return float(text) if any(c in text for c in ".einf") else int(text)
        if kind == "string":
            return _unquote(text)
        if text in ("&", "^"):
            inner = _unquote(self.take("string")[1])
            return StringName(inner) if text == "&" else Call("NodePath", (inner,))
        if text == "[":
            return self.sequence("]")
        if text == "{":
            out = {}
            while self.peek()[1] != "}":
                key = self.value()
                self.take(text=":")
                out[key if not isinstance(key, list) else tuple(key)] = self.value()
                if self.peek()[1] != "}":
                    self.take(text=",")
            self.take(text="}")
            return out
        if kind == "word" and text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if kind == "word" and text in CONSTRUCTORS:
            self.take(text="(")
            return Call(text, tuple(self.sequence(")")))
        raise GrammarError(f"line {line}: {text!r} is not a value")

    def sequence(self, end):
        out = []
        while self.peek()[1] != end:
            out.append(self.value())
            if self.peek()[1] != end:
                self.take(text=",")
        self.take(text=end)
        return out


def parse(text):
    """[(tag, heading fields, properties)] in file order; GrammarError on anything else."""
    reader, sections = _Reader(text), []
    while reader.peek()[0] is not None:
        reader.take(text="[")
        tag = reader.take("word")[1]
        if tag not in TAGS:
            raise GrammarError(f"unknown heading [{tag}]")
        fields = {}
        while reader.peek()[1] != "]":
            key = reader.take("word")[1]
            reader.take(text="=")
            fields[key] = reader.value()
        reader.take(text="]")
        properties = {}
        while reader.peek()[0] == "word":
            key = reader.take("word")[1]
            reader.take(text="=")
            if key in properties:
                raise GrammarError(f"[{tag}]: {key} given twice")
            properties[key] = reader.value()
        sections.append((tag, fields, properties))
    return sections
