"""Self-supervised pre-training of sequence encoders (masked item, next item, contrastive)."""
