"""Knowledge graphs: the KnowledgeGraph checks, the attribute graph, and the `kg` (KGCN music)
reader on hand-made folders, one test per malformed-line message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pretrec.data.filters import compact
from pretrec.data.interactions import Dataset, Interactions
from pretrec.data.io import detect_format, load_dataset
from pretrec.data.knowledge_graph import KnowledgeGraph
from pretrec.data.stats import describe
from pretrec.errors import DataError

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

EVENTS = "userID\tartistID\tweight\n7\t20\t5\n7\t99\t3\n8\t21\t4\n9\t99\t1\n8\t20\t2\n"
LINKS = "20\t0\n21\t1\n22\t2\n"  # artist 22 is linked but nobody listened to it
TRIPLES = "0\tgenre\t100\n1\tgenre\t100\n100\tpart_of\t101\n2\torigin\t102\n"


def kg_folder(folder: Path, events: str | None = EVENTS, links: str = LINKS,
              triples: str = TRIPLES) -> Path:
    """The three kg files in `folder`; a file given as None is left out."""
    for name, text in (("user_artists.dat", events), ("item_index2entity_id.txt", links),
                       ("kg.txt", triples)):
        if text is not None:
            (folder / name).write_bytes(text.encode())
    return folder


def test_a_hand_made_folder_loads_with_items_as_the_first_entities(tmp_path: Path) -> None:
    dataset = load_dataset(kg_folder(tmp_path), name="music")
    assert detect_format(tmp_path) == "kg"
    # artist 99 is not linked: its events and user 9 (who has no other event) are dropped
    assert dataset.item_vocab.to_json() == ["20", "21", "22"]  # link-file order
    assert dataset.user_vocab.to_json() == ["7", "8"]
    inter = dataset.interactions
    assert inter.users.tolist() == [0, 1, 1] and inter.items.tolist() == [0, 1, 0]
    assert inter.weights.tolist() == [5, 4, 2] and inter.timestamps is None
    graph = dataset.knowledge_graph
    # entities: the items' 0, 1, 2 first, then 100, 101, 102 as they appear (head before tail)
    assert graph.entity_vocab.to_json() == ["0", "1", "2", "100", "101", "102"]
    assert graph.item_entities.tolist() == [0, 1, 2]
    assert graph.relation_names == ("genre", "part_of", "origin")
    assert graph.heads.tolist() == [0, 1, 3, 2]
    assert graph.relations.tolist() == [0, 0, 1, 2]
    assert graph.tails.tolist() == [3, 3, 4, 5]
    assert graph.describe() == {"entities": 6, "relations": 3, "triples": 4, "items": 3,
                                "items in a triple": 3}
    stats = describe(dataset)
    assert (stats["kg entities"], stats["kg relations"], stats["kg triples"]) == (6, 3, 4)


def test_entity_ids_need_not_follow_the_link_order_and_windows_lines_are_fine(
    tmp_path: Path,
) -> None:
    links = "21\t50\r\n20\t7\r\n"
    triples = "7\tgenre\t50\r\n\r\n60\tgenre\t7\r\n"
    events = "userID\tartistID\tweight\r\n1\t20\t1\r\n"
    dataset = load_dataset(kg_folder(tmp_path, events, links, triples), format="kg")
    graph = dataset.knowledge_graph
    assert dataset.item_vocab.to_json() == ["21", "20"]
    assert graph.entity_vocab.to_json() == ["50", "7", "60"]
    assert graph.relation_names == ("genre",)
    assert (graph.heads.tolist(), graph.tails.tolist()) == ([1, 2], [0, 1])
    assert dataset.interactions.items.tolist() == [1]


def test_filters_keep_the_items_first_and_every_triple(tmp_path: Path) -> None:
    dataset = load_dataset(kg_folder(tmp_path))
    kept = compact(dataset, np.ones(len(dataset.interactions), dtype=bool),
                   keep_items=np.array([False, True, True]))  # drop artist 20
    graph = kept.knowledge_graph
    assert kept.item_vocab.to_json() == ["21", "22"]
    assert graph.entity_vocab.to_json() == ["1", "2", "0", "100", "101", "102"]
    assert graph.item_entities.tolist() == [0, 1] and len(graph) == 4
    names = graph.entity_vocab.raw_ids
    triples = list(zip(names[graph.heads], graph.relations, names[graph.tails], strict=True))
    assert triples == [("0", 0, "100"), ("1", 0, "100"), ("100", 1, "101"), ("2", 2, "102")]


def test_from_item_attributes_links_each_item_to_its_attributes() -> None:
    attributes = [np.array([1, 0]), np.array([], dtype=np.int64), np.array([1])]
    graph = KnowledgeGraph.from_item_attributes(attributes, n_attributes=3)
    assert graph.n_entities == 6 and graph.n_items == 3
    assert graph.relation_names == ("has_attribute",) and graph.n_relations == 1
    assert graph.heads.tolist() == [0, 0, 2]
    assert graph.tails.tolist() == [4, 3, 4]  # attribute a is entity n_items + a
    assert graph.relations.tolist() == [0, 0, 0]
    with pytest.raises(DataError, match="item 1: attribute 3 outside \\[0, 3\\)"):
        KnowledgeGraph.from_item_attributes([np.array([0]), np.array([3])], n_attributes=3)


def graph(**changes: object) -> KnowledgeGraph:
    fields: dict[str, object] = {
        "heads": [0, 1], "relations": [0, 1], "tails": [2, 2], "n_entities": 3,
        "n_relations": 2, "relation_names": ("a", "b"), "item_entities": [0, 1],
    }
    return KnowledgeGraph(**(fields | changes))


@pytest.mark.parametrize(("changes", "message"), [
    ({"tails": [2]}, "differ in length"),
    ({"tails": [2, 3]}, "triple 1: tail index 3 outside \\[0, 3\\)"),
    ({"heads": [-1, 0]}, "triple 0: head index -1 outside"),
    ({"relations": [0, 2]}, "triple 1: relation index 2 outside \\[0, 2\\)"),
    ({"relation_names": ("a",)}, "1 relation names for 2 relations"),
    ({"item_entities": [1, 0]}, "item i is entity i"),
    ({"item_entities": [0, 1, 2, 3]}, "4 items but only 3 entities"),
    ({"heads": [0.5, 1.0]}, "must be integer indices"),
])
def test_knowledge_graph_checks_its_arrays(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DataError, match=message):
        graph(**changes)


def test_a_dataset_refuses_a_graph_over_other_items() -> None:
    inter = Interactions(np.array([0]), np.array([0]), 1, 3)
    dataset = Dataset.from_interactions(inter)
    with pytest.raises(DataError, match="links 2 items, the interactions have 3"):
        Dataset(inter, dataset.user_vocab, dataset.item_vocab, knowledge_graph=graph())


BAD = [  # (file, its text, where, what): every malformed-line class names file and line
    ("kg.txt", "0\tgenre\t100\n1\tgenre\n", "kg.txt, line 2",
     "expected 3 tab-separated fields \\(head relation tail\\), got 2"),
    ("kg.txt", "0\tgenre\t100\nx1\tgenre\t100\n", "kg.txt, line 2",
     "expected an integer head \\(a non-negative id\\), got 'x1'"),
    ("kg.txt", "0\tgenre\t100\n1\t \t100\n", "kg.txt, line 2", "expected a relation name"),
    ("kg.txt", "", "kg.txt", "empty file: expected knowledge graph triples"),
    ("item_index2entity_id.txt", "20\t0\n21\t1.5\n", "item_index2entity_id.txt, line 2",
     "expected an integer entity_id"),
    ("item_index2entity_id.txt", "20\t0\n21\t1\n20\t2\n", "item_index2entity_id.txt, line 3",
     "artist 20 is linked twice \\(first on line 1\\)"),
    ("item_index2entity_id.txt", "20\t0\n21\t1\n\n22\t0\n", "item_index2entity_id.txt, line 4",
     "entity 0 is linked to two artists \\(the other on line 1\\)"),
    ("item_index2entity_id.txt", "20 0\n", "item_index2entity_id.txt, line 1",
     "expected 2 tab-separated fields"),
    ("user_artists.dat", "userID\tartistID\tweight\n7\t20\n", "user_artists.dat, line 2",
     "expected 3 tab-separated fields \\(userID artistID weight\\), got 2"),
    ("user_artists.dat", "userID\tartistID\tweight\n7\t20\tmany\n", "user_artists.dat, line 2",
     "expected a numeric rating, got 'many'"),
    ("user_artists.dat", "userID\tartistID\tweight\n7\t20\t-1\n", "user_artists.dat, line 2",
     "expected a rating >= 0"),
    ("user_artists.dat", "userID\tartistID\tweight\nu7\t20\t1\n", "user_artists.dat, line 2",
     "expected an integer userID"),
    ("user_artists.dat", "7\t20\t1\n", "user_artists.dat, line 1",
     "expected a header line \\(userID artistID weight\\), got a data row"),
    ("user_artists.dat", "userID\tartistID\tweight\n", "user_artists.dat, line 1",
     "no data rows after the header"),
    ("user_artists.dat", "\n\n", "user_artists.dat", "empty file"),
    ("user_artists.dat", "userID\tartistID\tweight\n7\t99\t1\n", "user_artists.dat",
     "no event is on an artist linked"),
]


@pytest.mark.parametrize(("name", "text", "where", "what"), BAD)
def test_malformed_lines_name_the_file_and_line(
    tmp_path: Path, name: str, text: str, where: str, what: str
) -> None:
    kg_folder(tmp_path)
    (tmp_path / name).write_bytes(text.encode())
    with pytest.raises(DataError, match=f"{where}: {what}"):
        load_dataset(tmp_path, format="kg")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    kg_folder(tmp_path, events=None)
    assert detect_format(tmp_path) == "kg"  # kg.txt + item_index2entity_id.txt decide
    with pytest.raises(DataError, match="user_artists.dat: missing file: expected a header"):
        load_dataset(tmp_path)
    with pytest.raises(DataError, match="expected a folder holding"):
        load_dataset(tmp_path / "kg.txt", format="kg")


@pytest.mark.slow
def test_the_real_kgcn_music_folder_has_its_readme_counts() -> None:
    path = SHARED_DATA / "kg" / "music"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    dataset = load_dataset(path)
    assert (dataset.n_users, dataset.n_items, len(dataset.interactions)) == (1_872, 3_846, 21_173)
    graph = dataset.knowledge_graph
    assert graph.describe() == {"entities": 9_366, "relations": 60, "triples": 15_518,
                                "items": 3_846, "items in a triple": 3_846}
    # the KGCN files number the linked artists' entities 0 .. 3845 in link order already
    assert graph.entity_vocab.to_json()[:3_846] == [str(e) for e in range(3_846)]
