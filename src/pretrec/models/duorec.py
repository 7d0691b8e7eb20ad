"""DuoRec: contrastive learning for representation degeneration (Qiu et al., WSDM 2022).

SASRec (`pretrec.models.sasrec`) trained with next-item cross-entropy plus InfoNCE between two
views of each training sequence: the sequence itself under a second dropout mask (unsupervised
view), and another training sequence whose next item is the same (supervised positive), drawn
vectorised from every prefix of every training sequence, indexed by its next item
(`pretrec.tasks.contrastive.SameTargetViewsTask`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pretrec.models.contrastive import ContrastiveFields
from pretrec.nn.sequence_encoder import TransformerSequenceConfig


@dataclass(frozen=True)
class DuoRecConfig(ContrastiveFields, TransformerSequenceConfig):
    """SASRec hyper-parameters and the contrastive term."""
