"""Text for recommendation: item/user text assembly, a BERT-family sentence encoder with an
on-disk cache, and seeded text augmentations."""

from pretrec.text.assemble import assemble_text
from pretrec.text.augment import TextAugmentation, TextAugmenter
from pretrec.text.encoder import SentenceEncoder, pool
from pretrec.text.model_folder import PACKAGED, resolve_model_path

__all__ = [
    "PACKAGED",
    "SentenceEncoder",
    "TextAugmentation",
    "TextAugmenter",
    "assemble_text",
    "pool",
    "resolve_model_path",
]
