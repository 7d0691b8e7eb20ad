"""The pipeline's workflows built on `pretrec.experiment`: fine-tuning from a checkpoint."""
