"""The model registry, filled explicitly: `MODELS.get(name)` -> entry with model and config."""

from functools import partial

from pretrec.models.autorec import AutoRec, AutoRecConfig, TextAutoRec, TextAutoRecConfig
from pretrec.models.base import NeuralRecommender, Recommender
from pretrec.models.bert4rec import BERT4Rec, BERT4RecConfig
from pretrec.models.biased_mf import BiasedMF, BiasedMFConfig
from pretrec.models.bprmf import BPRMF, BPRMFConfig
from pretrec.models.bsarec import BSARecConfig
from pretrec.models.cl4srec import CL4SRecConfig
from pretrec.models.duorec import DuoRecConfig
from pretrec.models.ease import EASE, EASEConfig
from pretrec.models.ensemble import Ensemble, EnsembleConfig
from pretrec.models.graphsage import GraphSAGE, GraphSAGEConfig
from pretrec.models.gru4rec import GRU4Rec, GRU4RecConfig
from pretrec.models.itemknn import ItemKNN, ItemKNNConfig
from pretrec.models.kgat import KGAT, KGATConfig
from pretrec.models.kgcl import KGCL, KGCLConfig
from pretrec.models.lightgcn import LightGCN, LightGCNConfig
from pretrec.models.popularity import Popularity, PopularityConfig
from pretrec.models.pretrainer import PretrainConfig, SequencePretrainer
from pretrec.models.sasrec import SASRec, SASRecConfig
from pretrec.models.sgl import SGLConfig
from pretrec.models.simgcl import SimGCLConfig
from pretrec.models.text_mf import TextMF, TextMFConfig
from pretrec.models.text_profile import TextProfile, TextProfileConfig
from pretrec.models.text_sasrec import TextSASRec, TextSASRecConfig
from pretrec.models.xsimgcl import XSimGCLConfig
from pretrec.registry import Registry

MODELS = Registry("model")
MODELS.register("pop", Popularity, PopularityConfig, "most popular items in training")
MODELS.register("text_profile", TextProfile, TextProfileConfig,
                "zero-shot content baseline: cosine of item text to the mean text of the user's "
                "recent items")
MODELS.register("itemknn", ItemKNN, ItemKNNConfig, "item-based KNN, cosine with shrinkage")
MODELS.register("ease", EASE, EASEConfig, "EASE closed-form item-item autoencoder (Steck 2019)")
MODELS.register("bprmf", BPRMF, BPRMFConfig, "matrix factorisation trained with BPR loss")
MODELS.register("lightgcn", LightGCN, LightGCNConfig,
                "embeddings propagated over the user-item graph, BPR (He 2020)")
MODELS.register("sgl", LightGCN, SGLConfig,
                "LightGCN + InfoNCE between edge/node-dropout graph views (Wu 2021)")
MODELS.register("simgcl", LightGCN, SimGCLConfig,
                "LightGCN + InfoNCE between noise-perturbed propagations (Yu 2022)")
MODELS.register("xsimgcl", LightGCN, XSimGCLConfig,
                "LightGCN + InfoNCE between the final and one noisy layer, one pass (Yu 2023)")
MODELS.register("graphsage", GraphSAGE, GraphSAGEConfig,
                "inductive GraphSAGE: users from their items, items from their users and ID; "
                "embeds users and items unseen in training (Hamilton 2017)")
MODELS.register("kgat", KGAT, KGATConfig,
                "attentive propagation over users, items and knowledge-graph entities, BPR + "
                "TransR (Wang 2019)")
MODELS.register("kgcl", KGCL, KGCLConfig,
                "LightGCN over knowledge-aware item vectors + InfoNCE between KG-stability-"
                "guided graph views + TransE (Yang 2022)")
MODELS.register("biasedmf", BiasedMF, BiasedMFConfig,
                "biased matrix factorisation for ratings, squared error (Koren 2009)", "rating")
MODELS.register("text_mf", TextMF, TextMFConfig,
                "biased MF with factors and biases shifted by user/item sentence-encoder text",
                "rating")
MODELS.register("mf_click", BiasedMF, BiasedMFConfig, "logistic biased MF for buy/click labels",
                "click", partial(BiasedMF, binary=True))
MODELS.register("text_click", TextMF, TextMFConfig,
                "logistic MF with text-shifted factors; the item-text encoder can be fine-tuned "
                "(LoRA/full)",
                "click", partial(TextMF, binary=True))
MODELS.register("autorec", AutoRec, AutoRecConfig,
                "I-AutoRec: item-based autoencoder over ratings (Sedhain 2015)", "rating")
MODELS.register("text_autorec", TextAutoRec, TextAutoRecConfig,
                "I-AutoRec whose item code reads item text and whose user rows read user text",
                "rating")
MODELS.register("gru4rec", GRU4Rec, GRU4RecConfig,
                "GRU/LSTM over item sequences, full-softmax CE (Hidasi 2016)")
MODELS.register("bert4rec", BERT4Rec, BERT4RecConfig,
                "bidirectional transformer, masked item modelling (Sun 2019)")
MODELS.register("sasrec", SASRec, SASRecConfig,
                "causal transformer, full-softmax next-item CE (Kang 2018)")
MODELS.register("bsarec", SASRec, BSARecConfig,
                "SASRec mixing a causal low/high-frequency filter into attention (after Shin 2024)")
MODELS.register("cl4srec", SASRec, CL4SRecConfig,
                "SASRec + InfoNCE between augmented views (Xie 2022)",
                builder=partial(SASRec, n_extra_tokens=1))
MODELS.register("pretrainer", SequencePretrainer, PretrainConfig,
                "transformer pre-trained by masked-item, next-item and contrastive objectives")
MODELS.register("text_sasrec", TextSASRec, TextSASRecConfig,
                "SASRec reading items through frozen sentence-encoder text (+ IDs), "
                "UniSRec-style adaptor")
MODELS.register("ensemble", Ensemble, EnsembleConfig,
                "averages the per-user scores of saved checkpoints (softmax or z-scored); "
                "trains nothing")
MODELS.register("duorec", SASRec, DuoRecConfig,
                "SASRec + InfoNCE, dropout and same-target views (Qiu 2022)")

__all__ = ["MODELS", "Recommender", "NeuralRecommender", "BPRMF", "EASE", "ItemKNN", "Popularity",
           "SASRec", "GRU4Rec", "BERT4Rec", "TextSASRec", "BiasedMF", "TextMF", "AutoRec",
           "TextAutoRec", "TextProfile", "Ensemble", "SequencePretrainer", "LightGCN", "GraphSAGE",
           "KGAT", "KGCL"]
