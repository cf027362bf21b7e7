"""The actor network: a deterministic layout of the co-mention graph, drawn as escaped SVG whose nodes are links."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from reader import network
from reader.network import Graph, Node
from reader.pipeline import build_outputs
from sitebuilder import make_site

SVG = "{http://www.w3.org/2000/svg}"
KINDS = ["person", "organization", "state", "company", "armed_group"]


def sample_graph(nodes: int = 30) -> Graph:
    """A graph shaped like the real one: a few hubs in every group, then groups that share only the hubs."""
    made = [Node(f"actor-{i:02d}", f"Actor number {i}", KINDS[i % len(KINDS)], 4 if i < 4 else 1 + i % 2)
            for i in range(nodes)]
    groups = [list(range(4)) + list(range(start, nodes, 3)) for start in (4, 5, 6)]
    weights: dict[tuple[str, str], int] = {}
    for group in groups:
        for a, b in itertools.combinations(sorted(group), 2):
            key = (made[a].id, made[b].id)
            weights[key] = weights.get(key, 0) + 1
    return Graph(tuple(made), tuple(sorted((a, b, w) for (a, b), w in weights.items())))


def link(actor_id: str) -> str:
    return f"/test/actors/{actor_id}/"


def draw(graph: Graph) -> str:
    return str(network.network_svg(graph, network.layout(graph), link))


def test_the_same_graph_gives_the_same_layout_and_the_same_svg():
    assert network.layout(sample_graph()) == network.layout(sample_graph())
    assert draw(sample_graph()) == draw(sample_graph())


def test_a_change_in_one_co_mention_changes_the_picture():
    graph = sample_graph()
    a, b, shared = graph.edges[-1]
    heavier = Graph(graph.nodes, graph.edges[:-1] + ((a, b, shared + 2),))
    fewer = Graph(graph.nodes, graph.edges[:-1])
    assert network.layout(heavier) != network.layout(graph)
    assert draw(fewer) != draw(graph) != draw(heavier)


def test_every_node_is_a_link_to_its_actor_page_with_an_accessible_name():
    graph = sample_graph()
    root = ET.fromstring(draw(graph))
    links = {a.get("href"): a.get("aria-label") for a in root.iter(SVG + "a")}
    assert set(links) == {link(n.id) for n in graph.nodes}
    assert links[link("actor-00")].startswith("Actor number 0 (person): in 4 articles, named with")


def test_names_with_markup_characters_are_escaped():
    graph = Graph((Node("a", 'AT&T <Labs> "One"', "company", 3), Node("b", "B", "state", 1)), (("a", "b", 1),))
    text = draw(graph)
    root = ET.fromstring(text)  # well formed only if the name was escaped
    assert "<Labs>" not in text
    assert root.find(f".//{SVG}a[@href='{link('a')}']").get("aria-label").startswith('AT&T <Labs> "One" (company)')
    assert 'AT&T <Labs> "One"' in [t.text for t in root.iter(SVG + "text")]


def test_every_node_lies_in_the_picture_and_no_two_marks_overlap():
    graph = sample_graph(45)
    positions = network.layout(graph)
    assert set(positions) == {n.id for n in graph.nodes}
    for x, y in positions.values():
        assert network.MARGIN <= x <= network.WIDTH - network.MARGIN
        assert network.MARGIN <= y <= network.HEIGHT - network.MARGIN
    nodes = {n.id: n for n in graph.nodes}
    for a, b in itertools.combinations(graph.nodes, 2):
        (xa, ya), (xb, yb) = positions[a.id], positions[b.id]
        assert ((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5 >= network.radius(nodes[a.id]) + network.radius(nodes[b.id])


def test_labels_do_not_overlap_one_another_and_the_hubs_are_labelled():
    graph = sample_graph(45)
    positions = network.layout(graph)
    labels = network.place_labels(graph, positions)
    assert {"actor-00", "actor-01", "actor-02", "actor-03"} <= set(labels)
    names = {n.id: n.name for n in graph.nodes}
    boxes = [network._text_box(x, y, anchor, len(names[node_id]) * network.CHAR_WIDTH, network.LABEL_SIZE)
             for node_id, (x, y, anchor) in labels.items()]
    for one, two in itertools.combinations(boxes, 2):
        assert not network._overlaps(one, [two])


def test_the_kind_is_told_by_the_shape_not_by_colour():
    shapes = {kind: network.shape(kind, 50, 50, 10) for kind in KINDS}  # same place and size: only the outline differs
    assert len(set(shapes.values())) == len(KINDS)
    assert "polygon" in shapes["company"] and shapes["company"] != shapes["armed_group"]  # triangles up and down
    assert "fill=" not in draw(sample_graph()) and "stroke=" not in draw(sample_graph())


def test_an_edge_is_drawn_thicker_the_more_articles_the_pair_shares():
    svg = draw(Graph((Node("a", "A", "state", 3), Node("b", "B", "state", 3), Node("c", "C", "state", 1)),
                     (("a", "b", 3), ("a", "c", 1))))
    widths = {p.get("class"): float(p.get("stroke-width")) for p in ET.fromstring(svg).iter(SVG + "path")}
    assert widths["edge edge-3"] > widths["edge edge-1"]


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    article = """\
        ---
        title: {title}
        date: 2020-01-0{day}
        author: Ann Writer
        publication: The Paper
        stance: pro
        stance_note: Because.
        ---
        {text}
        """
    actor = "---\nname: {name}\nkind: {kind}\naliases: [{alias}]\n---\nAn actor.\n"
    files = {
        "content/articles/an-article.md": article.format(title="One", day=1, text="Putin met Maduro in Caracas."),
        "content/articles/two.md": article.format(title="Two", day=2, text="Putin and Maduro spoke again."),
        "content/articles/three.md": article.format(title="Three", day=3, text="Putin alone."),
        "content/actors/maduro.md": actor.format(name="Nicolás Maduro", kind="person", alias="Maduro"),
        "content/actors/venezuela.md": actor.format(name="Venezuela", kind="state", alias="Caracas"),
        "content/actors/nobody.md": actor.format(name="Nobody <at all>", kind="company", alias="Nobody"),
    }
    result = build_outputs(make_site(tmp_path_factory.mktemp("network"), files), "https://example.org/test/")
    assert not result.diagnostics.errors, [str(d) for d in result.diagnostics.items]
    return result.linked


def test_the_graph_has_every_actor_sized_by_articles_and_edges_weighted_by_shared_articles(linked):
    graph = network.actor_graph(linked)
    assert {(n.id, n.articles) for n in graph.nodes} == {("putin", 3), ("maduro", 2), ("venezuela", 1), ("nobody", 0)}
    assert graph.edges == (("maduro", "putin", 2), ("maduro", "venezuela", 1), ("putin", "venezuela", 1))


def test_the_page_context_links_nodes_under_the_base_path(linked):
    context = network.page_context(linked)
    hrefs = {a.get("href") for a in ET.fromstring(str(context["network_svg"])).iter(SVG + "a")}
    assert hrefs == {f"/test/actors/{i}/" for i in ("putin", "maduro", "venezuela", "nobody")}
    assert context["network_size"] == (4, 3)
