"""pretrec: self-supervised pre-training and fine-tuning for recommender systems."""

__version__ = "0.1.0"
