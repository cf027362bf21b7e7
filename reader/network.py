"""Actor network: the co-mention graph -> a deterministic layout -> escaped SVG markup (pure; same input, same bytes).

Contract:
- `actor_graph(linked)` reads only through `linked` (so `serve` tracks what the page read): one node per
  actor (sized by the articles that name or imply it), one edge per pair of actors in the same article,
  weighted by the articles they share.
- `layout(graph)` is a force-directed (Fruchterman-Reingold) layout from a fixed start (a circle in id
  order), with a fixed number of iterations and no randomness; coordinates are rounded to 0.1, so the
  same graph always gives the same picture, and a changed edge moves the nodes.
- `network_svg(graph, positions, link)` draws it: every node is an `<a href>` to the actor's page with
  an accessible name, its shape gives its kind (never colour alone), the best-connected actors are
  labelled where a label does not overlap another; all text is escaped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Callable
from functools import lru_cache

from markupsafe import Markup, escape

from .urls import actor as actor_url, href

WIDTH, HEIGHT = 760, 620
MARGIN = 24
ITERATIONS = 80
SPREAD_PASSES = 40
NODE_GAP = 22
HUB_GAP = 8  # at least this much room between two nodes' marks, for a focus ring and a click
LABEL_SIZE = 13
CHAR_WIDTH = 0.62 * LABEL_SIZE  # an estimate for a wide sans-serif face (DejaVu Sans), to keep labels apart
KIND_NAMES = {"person": "person", "organization": "organisation", "state": "state", "company": "company",
              "armed_group": "armed group"}
KIND_SYMBOLS = {"person": "●", "organization": "■", "state": "◆", "company": "▲", "armed_group": "▼"}
"""The glyph that stands for each shape in the caption's key."""


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    kind: str
    articles: int
    """Articles that name the actor or imply it; the node's size."""


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    """By id."""
    edges: tuple[tuple[str, str, int], ...]
    """(actor id, actor id after it, articles shared), sorted."""


def actor_graph(linked) -> Graph:
    """The co-mention graph of every actor of `linked` (a LinkedSite, tracked or not)."""
    nodes = tuple(sorted((Node(a.id, a.name, a.kind, len({m.slug for m in linked.mentions[a.id]}))
                          for a in linked.content.actors), key=lambda n: n.id))
    known = {n.id for n in nodes}
    edges = {(a, b, shared) for a in sorted(known) for b, shared in linked.co_mentions.get(a, ()) if a < b}
    return Graph(nodes, tuple(sorted(edges)))


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """Node id -> (x, y) inside the WIDTH x HEIGHT box, deterministic (see the module docstring)."""
    return dict(_layout(graph))


@lru_cache(maxsize=4)  # `serve`: most edits leave the graph as it was, and the layout is the costly part
def _layout(graph: Graph) -> tuple[tuple[str, tuple[float, float]], ...]:
    ids = [n.id for n in graph.nodes]
    if not ids:
        return ()
    index = {node_id: i for i, node_id in enumerate(ids)}
    xs = [math.cos(2 * math.pi * i / len(ids)) for i in range(len(ids))]
    ys = [math.sin(2 * math.pi * i / len(ids)) for i in range(len(ids))]
    edges = [(index[a], index[b], shared) for a, b, shared in graph.edges if a in index and b in index]
    k = math.sqrt(4.0 / len(ids))  # the ideal distance in a 2 x 2 square
    for step in range(ITERATIONS):
        _move(xs, ys, edges, k, temperature=0.2 * (1 - step / ITERATIONS) + 0.002)
    placed = _fit(ids, xs, ys)
    spread = _spread(placed, {n.id: radius(n) for n in graph.nodes}, {n.id: n.articles for n in graph.nodes})
    return tuple(spread.items())


def _move(xs: list[float], ys: list[float], edges, k: float, temperature: float) -> None:
    """One Fruchterman-Reingold step: repulsion between all pairs, weighted attraction along edges, gravity."""
    n, k2 = len(xs), k * k
    dx, dy = [0.0] * n, [0.0] * n
    for i in range(n):  # the hot loop of the build: kept to plain locals
        xi, yi = xs[i], ys[i]
        fx = fy = 0.0
        for j in range(i + 1, n):
            ox, oy = xi - xs[j], yi - ys[j]
            f = k2 / (ox * ox + oy * oy or 1e-9)
            ox *= f
            oy *= f
            fx += ox
            fy += oy
            dx[j] -= ox
            dy[j] -= oy
        dx[i] += fx
        dy[i] += fy
    for i, j, shared in edges:
        ox, oy = xs[i] - xs[j], ys[i] - ys[j]
        f = math.sqrt(shared * (ox * ox + oy * oy)) / k  # weight^0.5: hubs attract, yet do not collapse
        dx[i] -= ox * f; dy[i] -= oy * f; dx[j] += ox * f; dy[j] += oy * f
    for i in range(n):
        dx[i] -= xs[i] * 0.5; dy[i] -= ys[i] * 0.5  # gravity: keeps actors with no edge in view
        length = math.hypot(dx[i], dy[i]) or 1.0
        step = min(length, temperature)
        xs[i] += dx[i] / length * step
        ys[i] += dy[i] / length * step


def _fit(ids: list[str], xs: list[float], ys: list[float]) -> dict[str, tuple[float, float]]:
    """Scale the layout into the box (keeping its aspect) and round, so that the output is stable."""
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    room_x, room_y = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    scale = min(room_x / ((right - left) or 1), room_y / ((bottom - top) or 1))
    off_x = MARGIN + (room_x - (right - left) * scale) / 2
    off_y = MARGIN + (room_y - (bottom - top) * scale) / 2
    return {node_id: (round(off_x + (x - left) * scale, 1), round(off_y + (y - top) * scale, 1))
            for node_id, x, y in zip(ids, xs, ys)}


def _spread(placed: dict[str, tuple[float, float]], radii: dict[str, float],
            articles: dict[str, int]) -> dict[str, tuple[float, float]]:
    """Push apart nodes whose marks overlap (forces alone leave the hubs in a heap), then round again;
    two actors of many articles get more room between them, for their labels."""
    ids = list(placed)
    xs, ys = [placed[i][0] for i in ids], [placed[i][1] for i in ids]
    pairs = [(i, j, radii[a] + radii[b] + NODE_GAP + HUB_GAP * min(articles[a], articles[b]))
             for i, a in enumerate(ids) for j, b in enumerate(ids) if i < j]
    for _ in range(SPREAD_PASSES):
        moved = False
        for i, j, need in pairs:
            ox, oy = xs[i] - xs[j], ys[i] - ys[j]
            d2 = ox * ox + oy * oy
            if d2 < need * need:
                d = math.sqrt(d2)
                ux, uy = (ox / d, oy / d) if d > 1e-6 else (1.0, 0.0)
                push = (need - d) / 2
                xs[i] += ux * push; ys[i] += uy * push; xs[j] -= ux * push; ys[j] -= uy * push
                moved = True
        if not moved:
            break
    return {node_id: (round(min(max(x, MARGIN), WIDTH - MARGIN), 1), round(min(max(y, MARGIN), HEIGHT - MARGIN), 1))
            for node_id, x, y in zip(ids, xs, ys)}


def radius(node: Node) -> float:
    return round(4 + 2 * math.sqrt(max(node.articles, 0)) * 2, 1)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


POLYGONS = {"state": [(0, -1.25), (1.25, 0), (0, 1.25), (-1.25, 0)],  # diamond
            "company": [(0, -1.3), (1.15, 0.75), (-1.15, 0.75)],  # triangle pointing up
            "armed_group": [(0, 1.3), (1.15, -0.75), (-1.15, -0.75)]}  # triangle pointing down
"""Corners of the polygonal marks, in radii from the centre."""


def shape(kind: str, x: float, y: float, r: float) -> str:
    """The node's mark: its shape says its kind (circle, square, diamond, triangle up or down)."""
    if kind == "person":
        return f'<circle class="node-shape" cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"/>'
    if kind == "organization":
        s = r * 0.9
        return (f'<rect class="node-shape" x="{_num(x - s)}" y="{_num(y - s)}" '
                f'width="{_num(2 * s)}" height="{_num(2 * s)}"/>')
    offsets = POLYGONS.get(kind, POLYGONS["state"])
    points = " ".join(f"{_num(x + ox * r)},{_num(y + oy * r)}" for ox, oy in offsets)
    return f'<polygon class="node-shape" points="{points}"/>'


def node_name(node: Node, degree: int) -> str:
    """The node's accessible name and tooltip, in our words, from the data."""
    articles = f"{node.articles} article{'s' if node.articles != 1 else ''}"
    others = f"{degree} other actor{'s' if degree != 1 else ''}"
    return f"{node.name} ({KIND_NAMES.get(node.kind, node.kind)}): in {articles}, named with {others}"


def _degrees(graph: Graph) -> dict[str, int]:
    degree = {n.id: 0 for n in graph.nodes}
    for a, b, _ in graph.edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    return degree


Box = tuple[float, float, float, float]


def _overlaps(box: Box, boxes: list[Box]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b2 and b0 < x1 and y0 < b3 and b1 < y1 for b0, b1, b2, b3 in boxes)


def place_labels(graph: Graph, positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float, str]]:
    """Node id -> (x, y, text-anchor) of its label, for the best-connected nodes whose label fits
    beside them without covering another label or node (greedy, in a fixed order)."""
    weight = {n.id: 0 for n in graph.nodes}
    for a, b, shared in graph.edges:
        weight[a] += shared; weight[b] += shared
    taken: list[Box] = []
    for n in graph.nodes:
        x, y = positions[n.id]
        r = radius(n)
        taken.append((x - r, y - r, x + r, y + r))
    placed: dict[str, tuple[float, float, str]] = {}
    for n in sorted(graph.nodes, key=lambda n: (-n.articles, -weight[n.id], n.id)):
        spot = _label_spot(n, positions[n.id], taken)
        if spot:
            placed[n.id], box = spot
            taken.append(box)
    return placed


def _label_spot(node: Node, at: tuple[float, float], taken: list[Box]):
    """The first free place for the node's label: right, left, above, below; None if none is free."""
    x, y = at
    r, width, height = radius(node), len(node.name) * CHAR_WIDTH, LABEL_SIZE
    up, down = y - r - 4, y + r + height
    candidates = [(x + r + 3, y + height * 0.35, "start"), (x - r - 3, y + height * 0.35, "end"),
                  (x, up, "middle"), (x, down, "middle"),
                  (x + r * 0.7, up, "start"), (x - r * 0.7, up, "end"),
                  (x + r * 0.7, down, "start"), (x - r * 0.7, down, "end")]
    candidates = [(lx, ly, anchor, _text_box(lx, ly, anchor, width, height)) for lx, ly, anchor in candidates]
    for lx, ly, anchor, box in candidates:
        inside = box[0] >= 0 and box[2] <= WIDTH and box[1] >= 0 and box[3] <= HEIGHT
        if inside and not _overlaps(box, taken):
            return (round(lx, 1), round(ly, 1), anchor), box
    return None



def _text_box(x: float, y: float, anchor: str, width: float, height: float) -> Box:
    """The box a label takes: `y` is its baseline, `anchor` its SVG text-anchor."""
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (left - 1, y - height * 0.85, left + width + 1, y + height * 0.25)


def network_svg(graph: Graph, positions: dict[str, tuple[float, float]], link: Callable[[str], str],
                title_id: str = "network-title") -> Markup:
    """The picture as inline SVG markup (see the module docstring); `link(actor_id)` gives a node's href."""
    degree = _degrees(graph)
    labels = place_labels(graph, positions)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="group" aria-labelledby="{title_id}">',
             f'<title id="{title_id}">Actors named in the same articles: {len(graph.nodes)} actors, '
             f'{len(graph.edges)} pairs. Each actor links to its page.</title>',
             *_edge_paths(graph, positions)]
    for node in sorted(graph.nodes, key=lambda n: (n.articles, n.id)):  # the biggest drawn last, on top
        parts.append(_node_markup(node, positions[node.id], labels.get(node.id), node_name(node, degree[node.id]),
                                  link(node.id)))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _edge_paths(graph: Graph, positions: dict[str, tuple[float, float]]) -> list[str]:
    """One path per weight (thicker: more shared articles), so that 1,000 edges stay a few kilobytes."""
    by_weight: dict[int, list[str]] = {}
    for a, b, shared in graph.edges:
        (x1, y1), (x2, y2) = positions[a], positions[b]
        by_weight.setdefault(shared, []).append(f"M{_num(x1)} {_num(y1)}L{_num(x2)} {_num(y2)}")
    return [f'<path class="edge edge-{min(shared, 5)}" stroke-width="{_num(0.6 + (shared - 1) * 0.9)}" '
            f'd="{"".join(segments)}"/>' for shared, segments in sorted(by_weight.items())]


def _node_markup(node: Node, at: tuple[float, float], label, name: str, href: str) -> str:
    x, y = at
    text = ""
    if label:
        lx, ly, anchor = label
        text = f'<text x="{_num(lx)}" y="{_num(ly)}" text-anchor="{anchor}">{escape(node.name)}</text>'
    return (f'<a href="{escape(href)}" class="node node-{escape(node.kind)}" aria-label="{escape(name)}">'
            f'<title>{escape(name)}</title>{shape(node.kind, x, y, radius(node))}{text}</a>')


def page_context(linked) -> dict:
    """The actors page's share: the network picture and its key, from `linked` only."""
    graph = actor_graph(linked)
    base_path = linked.content.site.base_path
    svg = network_svg(graph, layout(graph), lambda actor_id: href(base_path, actor_url(actor_id)))
    kinds = sorted({n.kind for n in graph.nodes}, key=lambda k: list(KIND_NAMES).index(k) if k in KIND_NAMES else 99)
    return {"network_svg": svg, "network_key": [(KIND_SYMBOLS.get(k, "◆"), KIND_NAMES.get(k, k)) for k in kinds],
            "network_size": (len(graph.nodes), len(graph.edges))}
