"""The pipeline's workflows on top of `pretrec.experiment` (load, split, build, fit, evaluate):
typed run settings (`settings`), side-feature encoding (`features`), rating and click
prediction (`rating`, `click`), grid search (`tune`), fine-tuning from a checkpoint
(`finetune`) and the demo (`demo`, `demo_text`)."""
