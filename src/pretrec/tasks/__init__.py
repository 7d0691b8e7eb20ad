"""Tasks: an objective paired with the batches it trains on (next item, cloze, contrastive views,
BPR pairs, rating regression, click classification, rating reconstruction). A task is built from
the training split, builds its batches vectorised and turns a model's outputs into named losses;
the one loop (`pretrec.train.loop`) runs any task on any model that computes what it needs."""
