"""Pagefind's bundle made byte-reproducible: `canonical_bundle(files)` returns the same files with their filters in a fixed order.

Why: pagefind 1.5.2 collects filters in a hash map seeded at random in each run
(its source says "TODO: Change filter indexes to BTree to give them a stable
hash"), so the same pages give filter files whose values, and a metadata file
whose list of filters, come in a different order each time; their names are
hashes of their bytes, so the names change too. Everything else it writes
(words, fragments, scripts) is already stable.

What: each `filter/<lang>_<hash>.pf_filter` gets its values sorted by value, the
`pagefind.<lang>_<hash>.pf_meta` file its filters sorted by name, and each a name
made from a hash of its new content; `pagefind-entry.json` names the new metadata
file. Meaning is unchanged: Pagefind looks values and filters up by name.

The files are gzip of `pagefind_dcd` + CBOR (arrays, text, unsigned integers:
the subset read and written here), the format pagefind.js reads.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import struct

SIGNATURE = b"pagefind_dcd"
META = re.compile(r"pagefind\.(?P<lang>[^/]+?)_(?P<hash>[0-9a-f]+)\.pf_meta")
FILTER = re.compile(r"filter/(?P<id>[^/]+)\.pf_filter")


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """`files` (path in the bundle -> bytes) with filters in a stable order and the files that name them renamed."""
    renamed: dict[str, str] = {}
    result = {path: data for path, data in files.items() if not FILTER.fullmatch(path) and not META.fullmatch(path)}
    for path in sorted(p for p in files if FILTER.fullmatch(p)):
        name, values = decode(files[path])
        data = encode([name, sorted(values, key=lambda value: value[0])])
        old_id = FILTER.fullmatch(path)["id"]
        new_id = old_id.split("_", 1)[0] + "_" + _hash(data, 7)
        renamed[old_id] = new_id
        result[f"filter/{new_id}.pf_filter"] = data
    entry = json.loads(files["pagefind-entry.json"])
    for path in (p for p in files if META.fullmatch(p)):
        lang = META.fullmatch(path)["lang"]
        meta = decode(files[path])
        meta[3] = sorted([name, renamed.get(chunk, chunk)] for name, chunk in meta[3])
        data = encode(meta)
        result[f"pagefind.{lang}_{_hash(data, 10)}.pf_meta"] = data
        entry["languages"][lang]["hash"] = f"{lang}_{_hash(data, 10)}"
    result["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return result


def _hash(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def decode(data: bytes):
    """The CBOR value of a Pagefind filter or metadata file (gzip of the signature and CBOR)."""
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind file: its signature is missing")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise ValueError("unexpected bytes after the CBOR value")
    return value


def encode(value) -> bytes:
    """A Pagefind file holding `value`, as `decode` reads it; gzip without a timestamp."""
    return gzip.compress(SIGNATURE + _encode(value), mtime=0)


def _decode(data: bytes, at: int):
    major, count, at = _head(data, at)
    if major == 0:
        return count, at
    if major == 3:
        return data[at:at + count].decode("utf-8"), at + count
    if major == 4:
        items = []
        for _ in range(count):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major} is not used by Pagefind's filters")


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    major, info = data[at] >> 5, data[at] & 31
    if info < 24:
        return major, info, at + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError("indefinite-length CBOR is not used by Pagefind")
    return major, int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _encode(value) -> bytes:
    if isinstance(value, int):
        return _encode_head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _encode_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _encode_head(4, len(value)) + b"".join(_encode(item) for item in value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _encode_head(major: int, count: int) -> bytes:
    """The shortest head, as minicbor (Pagefind's encoder) writes it."""
    if count < 24:
        return bytes([major << 5 | count])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if count < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, count)
    raise ValueError("integer too large for CBOR")
