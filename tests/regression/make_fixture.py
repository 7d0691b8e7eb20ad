"""Write the regression record's tiny dataset: RecBole atomic files with ratings, item text and
user features, and an item -> attributes JSON, drawn from the seeded synthetic generator (run
once; the files are committed).

    python tests/regression/make_fixture.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pretrec.data.synthetic import SyntheticConfig, generate

FOLDER = Path(__file__).resolve().parent / "data" / "tiny"


def main() -> None:
    config = SyntheticConfig.from_dict({"n_users": 240, "n_items": 160, "mean_length": 14.0})
    dataset, truth = generate(config, seed=5)
    inter = dataset.interactions
    # a rating: how much the user likes the item's topic, plus noise, on 1..5 stars
    taste = truth.user_taste[inter.users, truth.item_topic[inter.items]]  # (n,)
    rng = np.random.default_rng(5)
    stars = np.clip(np.rint(1.0 + 12.0 * taste + rng.normal(0.0, 0.7, len(inter))), 1,
                    5).astype(int)
    FOLDER.mkdir(parents=True, exist_ok=True)
    users, items = dataset.user_vocab.raw(inter.users), dataset.item_vocab.raw(inter.items)
    with open(FOLDER / "tiny.inter", "w") as out:
        out.write("user_id:token\titem_id:token\trating:float\ttimestamp:float\n")
        for row in zip(users, items, stars, inter.timestamps.astype(np.int64), strict=True):
            out.write("\t".join(map(str, row)) + "\n")
    text = dataset.item_side.text
    with open(FOLDER / "tiny.item", "w") as out:
        out.write("item_id:token\ttitle:token_seq\tgenres:token_seq\n")
        for item, title, genre in zip(dataset.item_vocab.raw_ids, text["title"], text["genres"],
                                      strict=True):
            out.write(f"{item}\t{title}\t{genre}\n")
    attributes = {raw: [f"topic{t}", f"brand{b}"] for raw, t, b in
                  zip(dataset.item_vocab.raw_ids, truth.item_topic, truth.item_brand, strict=True)}
    lines = ",\n".join(f"{json.dumps(raw)}: {json.dumps(values)}"
                       for raw, values in attributes.items())
    (FOLDER.parent / "tiny_item2attributes.json").write_text("{\n" + lines + "\n}\n")
    ages = rng.integers(18, 70, inter.n_users)
    genders = np.where(rng.random(inter.n_users) < 0.5, "F", "M")
    jobs = np.array(["student", "engineer", "artist", "writer", "doctor"])[
        rng.integers(0, 5, inter.n_users)]
    with open(FOLDER / "tiny.user", "w") as out:
        out.write("user_id:token\tage:token\tgender:token\toccupation:token\n")
        for user, age, gender, job in zip(dataset.user_vocab.raw_ids, ages, genders, jobs,
                                          strict=True):
            out.write(f"{user}\t{age}\t{gender}\t{job}\n")


if __name__ == "__main__":
    main()
