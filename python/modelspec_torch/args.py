"""Strict reads of Keras arguments: the RunSpec carries every one explicitly.

The catalog (language/catalog) is the only place that knows a Keras default: the
lowering writes each layer argument, `optimizerArgs` each optimizer argument and the training
plan each callback argument. So a missing key is a bug upstream or a hand-written spec, and it
is reported by name instead of silently taking a default that may differ from the catalog's.
"""
from __future__ import annotations

from typing import Any, Mapping


class MissingArgument(ValueError):
    """A Keras argument absent from the config that should carry it."""


def arg(config: Mapping[str, Any], key: str, owner: str) -> Any:
    """config[key], or an error naming `owner` (e.g. "layer 'conv2d' (Conv2D)") and the key."""
    if key not in config:
        raise MissingArgument(
            f"{owner} has no '{key}' argument in the run spec; the spec must carry every argument "
            f"explicitly (the catalog's lowering writes them; regenerate the spec with modelspec)")
    return config[key]
