"""Pieces of self-supervised pre-training: the pre-training batch (cloze copy, segments) and the
S3-Rec attribute heads. The pre-training model itself is `pretrec.models.pretrainer`."""
