"""Helpers that `modelspec export --to pytorch` copies into a script: Keras semantics in torch.

Each helper is one block between `# --- begin NAME` and `# --- end NAME` markers; a block's
`needs:` lists the blocks it uses. The exporter copies only the blocks a model uses (and what
they need), without the markers, so an exported script reads like hand-written code. Importing
this module (for its tests) gives every helper.
"""
import csv
import gzip
import os
import urllib.request

import numpy as np

import torch
from torch import nn


# --- begin ChannelsFirst
class ChannelsFirst(nn.Module):
    """Runs a PyTorch spatial layer (N, C, ...) on Keras's channels-last tensors (N, ..., C)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        x = x.movedim(-1, 1)
        return self.inner(x).movedim(1, -1)


# --- end ChannelsFirst


# --- begin SamePad
class SamePad(nn.Module):
    """Keras 'same' padding: output = ceil(input / stride), the odd pixel at the end."""

    def __init__(self, kernel, stride, dilation, value=0.0):
        super().__init__()
        self.kernel, self.stride, self.dilation, self.value = (
            kernel,
            stride,
            dilation,
            value,
        )

    def forward(self, x):
        pads = []
        for i in reversed(range(len(self.kernel))):
            size = x.shape[2 + i]
            k = (self.kernel[i] - 1) * self.dilation[i] + 1
            out = -(-size // self.stride[i])
            total = max((out - 1) * self.stride[i] + k - size, 0)
            pads += [total // 2, total - total // 2]
        return nn.functional.pad(x, pads, value=self.value)


# --- end SamePad


# --- begin GlobalPool
class GlobalPool(nn.Module):
    """GlobalMaxPooling / GlobalAveragePooling: over every axis but the batch and the channels."""

    def __init__(self, how, dims):
        super().__init__()
        self.how, self.dims = how, tuple(range(1, dims + 1))

    def forward(self, x):
        return x.amax(dim=self.dims) if self.how == "max" else x.mean(dim=self.dims)


# --- end GlobalPool


# --- begin Reshape
class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape((x.shape[0],) + self.shape)


# --- end Reshape


# --- begin Permute
class Permute(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return x.permute((0,) + self.dims)


# --- end Permute


# --- begin RepeatVector
class RepeatVector(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        return x.unsqueeze(1).expand(-1, self.n, -1)


# --- end RepeatVector


# --- begin Embedding
class Embedding(nn.Embedding):
    """Keras feeds token ids as floats; nn.Embedding wants integers."""

    def forward(self, x):
        return super().forward(x.long())


# --- end Embedding


# --- begin Recurrent
class Recurrent(nn.Module):
    """A PyTorch RNN that returns the last step (Keras's default) or every step."""

    def __init__(self, rnn, return_sequences):
        super().__init__()
        self.rnn, self.return_sequences = rnn, return_sequences

    def forward(self, x):
        out, _ = self.rnn(x)
        return out if self.return_sequences else out[:, -1]


# --- end Recurrent


# --- begin GroupNorm
class GroupNorm(nn.GroupNorm):
    """Keras GroupNormalization on channels-first tensors: groups=-1 is one group per channel;
    gamma (scale) and beta (center) each optional, where PyTorch's affine has both or neither
    (the one Keras lacks stays at its identity value, frozen)."""

    def __init__(self, groups, channels, eps, center, scale):
        super().__init__(
            channels if groups == -1 else groups,
            channels,
            eps=eps,
            affine=center or scale,
        )
        if self.affine:
            self.weight.requires_grad_(scale)
            self.bias.requires_grad_(center)


# --- end GroupNorm


# --- begin ZeroPad2d
class ZeroPad2d(nn.Module):
    """Keras ZeroPadding2D on channels-last tensors; padding as Keras takes it."""

    def __init__(self, padding):
        super().__init__()
        if isinstance(padding, int):
            (top, bottom), (left, right) = (padding, padding), (padding, padding)
        elif isinstance(padding[0], int):
            (top, bottom), (left, right) = (padding[0], padding[0]), (
                padding[1],
                padding[1],
            )
        else:
            (top, bottom), (left, right) = padding
        self.pad = (0, 0, left, right, top, bottom)

    def forward(self, x):
        return nn.functional.pad(x, self.pad)


# --- end ZeroPad2d


# --- begin GaussianNoise
class GaussianNoise(nn.Module):
    def __init__(self, stddev):
        super().__init__()
        self.stddev = stddev

    def forward(self, x):
        if not self.training:
            return x
        return x + torch.randn_like(x) * self.stddev


# --- end GaussianNoise


# --- begin Exp
class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


# --- end Exp


# --- begin keras_init
def keras_init(model):
    """Keras's default initialization: glorot_uniform kernels, zero biases."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)


# --- end keras_init


# --- begin Monitor
class Monitor:
    """Whether a logged value improved, as Keras's callbacks decide it (mode 'auto' by name)."""

    def __init__(self, monitor, mode, min_delta):
        self.monitor = monitor
        name = monitor[4:] if monitor.startswith("val_") else monitor
        maximize_auto = "acc" in name and not name.endswith("loss")
        self.maximize = mode == "max" or (mode == "auto" and maximize_auto)
        self.min_delta = abs(min_delta)
        self.best = None

    def improved(self, value):
        if self.best is None:
            return True
        if self.maximize:
            return value - self.min_delta > self.best
        return value + self.min_delta < self.best


# --- end Monitor


# --- begin EarlyStopping (needs: Monitor)
class EarlyStopping:
    """keras.callbacks.EarlyStopping: stops after `patience` epochs without improvement."""

    def __init__(
        self,
        model,
        monitor,
        min_delta,
        patience,
        mode,
        restore_best_weights,
        start_from_epoch,
    ):
        self.model, self.patience, self.start_from_epoch = (
            model,
            patience,
            start_from_epoch,
        )
        self.restore_best_weights = restore_best_weights
        self.watch = Monitor(monitor, mode, min_delta)
        self.wait, self.best_epoch, self.best_weights = 0, 0, None

    def on_epoch_end(self, epoch, logs):
        """True when training should stop."""
        value = logs.get(self.watch.monitor)
        if value is None or epoch < self.start_from_epoch:
            return False
        self.wait += 1
        if self.watch.improved(value):
            self.watch.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = {
                    k: v.detach().clone() for k, v in self.model.state_dict().items()
                }
            return False
        if self.wait < self.patience or epoch == 0:
            return False
        print(
            f"EarlyStopping: {self.watch.monitor} did not improve for {self.wait} epochs"
        )
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)
            print(f"EarlyStopping: restored the weights of epoch {self.best_epoch + 1}")
        return True


# --- end EarlyStopping


# --- begin ReduceLROnPlateau
class ReduceLROnPlateau:
    """keras.callbacks.ReduceLROnPlateau: multiplies the learning rate by `factor` on a plateau."""

    def __init__(
        self, optimizer, monitor, factor, patience, mode, min_delta, cooldown, min_lr
    ):
        self.optimizer, self.monitor, self.factor, self.patience = (
            optimizer,
            monitor,
            factor,
            patience,
        )
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        self.maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
        self.best = -float("inf") if self.maximize else float("inf")
        self.wait, self.cooldown_counter = 0, 0

    def on_epoch_end(self, epoch, logs):
        logs["learning_rate"] = self.optimizer.param_groups[0]["lr"]
        value = logs.get(self.monitor)
        if value is None:
            return False
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if (
            value > self.best + self.min_delta
            if self.maximize
            else value < self.best - self.min_delta
        ):
            self.best, self.wait = value, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            old = self.optimizer.param_groups[0]["lr"]
            if self.wait >= self.patience and old > self.min_lr * (1 + 1e-7):
                for group in self.optimizer.param_groups:
                    group["lr"] = max(old * self.factor, self.min_lr)
                print(
                    f"ReduceLROnPlateau: learning rate {old:.4g} -> {group['lr']:.4g}"
                )
                self.cooldown_counter, self.wait = self.cooldown, 0
        return False


# --- end ReduceLROnPlateau


# --- begin ModelCheckpoint
class ModelCheckpoint:
    """keras.callbacks.ModelCheckpoint: saves the state_dict every epoch, or only the best."""

    def __init__(self, model, filepath, monitor, save_best_only, mode):
        self.model, self.filepath, self.monitor, self.save_best_only = (
            model,
            filepath,
            monitor,
            save_best_only,
        )
        self.maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
        self.best = -float("inf") if self.maximize else float("inf")

    def on_epoch_end(self, epoch, logs):
        path = self.filepath.format(epoch=epoch + 1, **logs)
        value = logs.get(self.monitor)
        if self.save_best_only:
            if value is None or not (
                value > self.best if self.maximize else value < self.best
            ):
                return False
            self.best = value
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        torch.save(self.model.state_dict(), path + ".tmp")
        os.replace(
            path + ".tmp", path
        )  # a crash mid-save keeps the previous checkpoint
        return False


# --- end ModelCheckpoint


# --- begin CSVLogger
class CSVLogger:
    """keras.callbacks.CSVLogger: one row per epoch, the epoch (from 0) then the logs by name."""

    def __init__(self, filename, separator, append):
        self.filename, self.separator, self.keys = filename, separator, None
        self.write_header = not (
            append and os.path.exists(filename) and os.path.getsize(filename) > 0
        )
        if not append:
            open(filename, "w").close()

    def on_epoch_end(self, epoch, logs):
        if self.keys is None:
            self.keys = sorted(logs)
        with open(self.filename, "a", newline="") as f:
            writer = csv.writer(f, delimiter=self.separator, lineterminator="\n")
            if self.write_header:
                writer.writerow(["epoch"] + self.keys)
                self.write_header = False
            writer.writerow([epoch] + [logs.get(k, "NA") for k in self.keys])
        return False


# --- end CSVLogger


# --- begin load_mnist
def load_mnist(name, split):
    """MNIST or Fashion-MNIST from the canonical mirrors, cached where ModelSpec caches them."""
    base = {
        "mnist": "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "fashion_mnist": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    }[name]
    cache = os.environ.get("MODELSPEC_CACHE", os.path.expanduser("~/.cache/modelspec"))
    folder = os.path.join(cache, name)
    os.makedirs(folder, exist_ok=True)
    arrays = []
    for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
        path = os.path.join(folder, f"{split}-{kind}.gz")
        if not os.path.exists(path):
            urllib.request.urlretrieve(base + f"{split}-{kind}.gz", path)
        with gzip.open(path, "rb") as f:
            data = f.read()
        dims = data[3]
        shape = [
            int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)
        ]
        pixels = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
        arrays.append(pixels.reshape(shape))
    return arrays[0], arrays[1].astype(np.int64)


# --- end load_mnist
