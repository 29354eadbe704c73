"""Optuna's ask-and-tell interface for ModelSpec's tune session (training/tune/optuna-sampler.ts)."""
