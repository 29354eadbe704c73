"""ModelSpec's PyTorch engine: trains a Keras Sequential model (given as Keras JSON) with
Keras semantics and streams the run protocol's events (see protocol.py)."""
