"""Compare wi.layers' parameters with the installed frameworks' own layers: names, shapes and scale.

Run by hand where the frameworks are installed (torch, dm-haiku, flax, keras) (none is needed by the library
or its tests): ``python tools/compare_layers.py``. For each layer it builds
the framework's own module with the same arguments and prints, per
parameter, whether names and shapes agree and the standard deviation and
largest magnitude of both sides' values (a framework that is not installed
is skipped). Exit status 1 if any name or shape differs.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from weightinit.layers import flax as fl
from weightinit.layers import haiku as hl
from weightinit.layers import keras as kl
from weightinit.layers import torch as tl
from weightinit.models import leaves

#: (label, torch module's name in torch.nn, positional and keyword arguments).
TORCH_CASES: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = [
    ("linear", "Linear", (512, 256), {}),
    ("bilinear", "Bilinear", (64, 32, 48), {}),
    ("conv1d", "Conv1d", (32, 64, 5), {"groups": 4}),
    ("conv2d", "Conv2d", (32, 64, 3), {}),
    ("conv3d", "Conv3d", (8, 16, 3), {"bias": False}),
    ("conv_transpose2d", "ConvTranspose2d", (64, 32, 3), {"groups": 2}),
    ("embedding", "Embedding", (1000, 64), {"padding_idx": 3}),
    ("rnn", "RNN", (32, 128), {"num_layers": 2, "bidirectional": True}),
    ("lstm", "LSTM", (32, 128), {"proj_size": 64}),
    ("gru", "GRU", (32, 128), {"bias": False}),
    ("multihead_attention", "MultiheadAttention", (256, 8), {}),
    ("multihead_attention", "MultiheadAttention", (256, 8), {"kdim": 64, "vdim": 32, "add_bias_kv": True}),
    ("layer_norm", "LayerNorm", (64,), {}),
    ("batch_norm", "BatchNorm2d", (64,), {}),
    ("group_norm", "GroupNorm", (4, 64), {}),
]  # fmt: skip


def row(label: str, name: str, theirs: np.ndarray | None, ours: np.ndarray | None) -> bool:
    if theirs is None or ours is None:
        print(f"  {label:22s} {name:26s} MISSING on {'ours' if ours is None else 'theirs'}")
        return False
    same = theirs.shape == ours.shape
    stats = ""
    if theirs.size > 1 and theirs.dtype.kind == "f":
        stats = (
            f"std {theirs.std():.5f} vs {ours.std():.5f}, "
            f"max|x| {np.abs(theirs).max():.5f} vs {np.abs(ours).max():.5f}"
        )
    print(f"  {label:22s} {name:26s} {theirs.shape!s:18s} {'ok' if same else 'SHAPE'}  {stats}")
    return same


def compare(label: str, theirs: dict[str, np.ndarray], ours: dict[str, Any]) -> bool:
    good = list(theirs) == list(ours)
    if not good:
        print(f"  {label}: names differ: {list(theirs)} vs {list(ours)}")
    for name in dict.fromkeys([*theirs, *ours]):
        good &= row(label, name, theirs.get(name), ours.get(name))
    return good


def compare_torch() -> bool:
    import torch

    torch.manual_seed(0)
    good = True
    for label, module, args, kwargs in TORCH_CASES:
        layer = getattr(torch.nn, module)(*args, **kwargs)
        theirs = {k: v.detach().numpy() for k, v in layer.state_dict().items()}
        ours = getattr(tl, label)(*args, **kwargs, rng=0, dtype="float32")
        good &= compare(label, theirs, ours)
    return good


def compare_haiku() -> bool:
    import haiku as hk
    import jax
    import jax.numpy as jnp

    cases: list[tuple[str, Callable[[], Any], Any, dict[str, Any]]] = [
        ("linear", lambda: hk.Linear(256), jnp.zeros((1, 512)), hl.linear(256, input_size=512, rng=0)),
        ("conv2d", lambda: hk.Conv2D(64, 3), jnp.zeros((1, 8, 8, 32)),
         hl.conv2d(64, 3, input_channels=32, rng=0)),
        ("embed", lambda: hk.Embed(1000, 64), jnp.zeros((1,), dtype=jnp.int32),
         hl.embed(1000, 64, rng=0)),
    ]  # fmt: skip
    good = True
    for label, make, x, ours in cases:
        params = hk.transform(lambda x, make=make: make()(x)).init(jax.random.PRNGKey(0), x)
        (inner,) = params.values()
        good &= compare(label, {k: np.asarray(v) for k, v in inner.items()}, ours)
    return good


def flat(tree: Any, path: str = "") -> dict[str, Any]:
    """A nested dict of arrays by path (``"query.kernel"``), in its order."""
    if not isinstance(tree, dict):
        return {path: np.asarray(tree)}
    found: dict[str, Any] = {}
    for key, value in tree.items():
        found.update(flat(value, f"{path}.{key}" if path else key))
    return found


def compare_flax() -> bool:
    import flax.linen as nn
    import jax
    import jax.numpy as jnp

    key = jax.random.PRNGKey(0)
    lstm, gru = nn.LSTMCell(128), nn.GRUCell(128)
    q, k, v = jnp.zeros((1, 5, 96)), jnp.zeros((1, 7, 64)), jnp.zeros((1, 7, 32))
    cases: list[tuple[str, Any, tuple[Any, ...], dict[str, Any]]] = [
        ("dense", nn.Dense(256), (jnp.zeros((1, 512)),), fl.dense(256, input_features=512, rng=0)),
        ("conv", nn.Conv(64, (3, 3), feature_group_count=2), (jnp.zeros((1, 8, 8, 32)),),
         fl.conv(64, (3, 3), input_features=32, feature_group_count=2, rng=0)),
        ("embed", nn.Embed(1000, 64), (jnp.zeros((1,), dtype=jnp.int32),), fl.embed(1000, 64, rng=0)),
        ("layer_norm", nn.LayerNorm(), (jnp.zeros((1, 64)),), fl.layer_norm(input_features=64, rng=0)),
        ("dense_general", nn.DenseGeneral((16, 8), axis=(-2, -1)), (jnp.zeros((2, 32, 24)),),
         fl.dense_general((16, 8), input_shape=(2, 32, 24), axis=(-2, -1), rng=0)),
        ("dense_general", nn.DenseGeneral(64, axis=-1, batch_dims=(0,)), (jnp.zeros((4, 3, 96)),),
         fl.dense_general(64, input_shape=(4, 3, 96), batch_dims=(0,), rng=0)),
        ("dense_general", nn.DenseGeneral((32, 4), kernel_init=nn.initializers.orthogonal()),
         (jnp.zeros((1, 256)),), fl.dense_general((32, 4), input_shape=(1, 256),
                                                  kernel_init="flax.orthogonal", rng=0)),
        ("lstm_cell", lstm, (lstm.initialize_carry(key, (1, 64)), jnp.zeros((1, 64))),
         fl.lstm_cell(128, input_features=64, rng=0)),
        ("gru_cell", gru, (gru.initialize_carry(key, (1, 64)), jnp.zeros((1, 64))),
         fl.gru_cell(128, input_features=64, rng=0)),
        ("mh_attention", nn.MultiHeadDotProductAttention(8, qkv_features=128), (q,),
         fl.multi_head_dot_product_attention(8, in_features=96, qkv_features=128, rng=0)),
        ("mh_attention", nn.MultiHeadDotProductAttention(4, out_features=48, normalize_qk=True),
         (q, k, v), fl.multi_head_dot_product_attention(
             4, in_features=96, key_features=64, value_features=32, out_features=48,
             normalize_qk=True, rng=0)),
    ]  # fmt: skip
    good = True
    for label, module, args, ours in cases:
        params = module.init(key, *args)["params"]
        good &= compare(label, flat(params), flat(ours))
    return good


def compare_keras() -> bool:
    # keras' default backend is TensorFlow; the NumPy backend builds the same weights without it.
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    import keras

    layers = keras.layers
    cases: list[tuple[str, Any, tuple[int, ...], dict[str, Any]]] = [
        ("dense", layers.Dense(256), (1, 512), kl.dense(256, input_dim=512, rng=0)),
        ("conv2d", layers.Conv2D(64, 3, groups=2), (1, 8, 8, 32),
         kl.conv2d(64, 3, input_channels=32, groups=2, rng=0)),
        ("conv1d", layers.Conv1D(16, 5), (1, 20, 8), kl.conv1d(16, 5, input_channels=8, rng=0)),
        ("embedding", layers.Embedding(1000, 64), (1,), kl.embedding(1000, 64, rng=0)),
        ("simple_rnn", layers.SimpleRNN(64), (1, 3, 32), kl.simple_rnn(64, input_dim=32, rng=0)),
        ("lstm", layers.LSTM(64), (1, 3, 32), kl.lstm(64, input_dim=32, rng=0)),
        ("gru", layers.GRU(64), (1, 3, 32), kl.gru(64, input_dim=32, rng=0)),
        ("layer_normalization", layers.LayerNormalization(), (1, 64),
         kl.layer_normalization(input_features=64, rng=0)),
        ("batch_normalization", layers.BatchNormalization(), (1, 64),
         kl.batch_normalization(input_features=64, rng=0)),
        ("einsum_dense", layers.EinsumDense("abc,cde->abde", (None, 8, 32), bias_axes="de"),
         (1, 7, 256), kl.einsum_dense("abc,cde->abde", (None, 8, 32), input_shape=(1, 7, 256),
                                      bias_axes="de", rng=0)),
        ("einsum_dense", layers.EinsumDense("...b,bc->...c", 64, kernel_initializer="he_normal"),
         (1, 5, 128), kl.einsum_dense("...b,bc->...c", 64, input_shape=(1, 5, 128),
                                      kernel_initializer="he_normal", rng=0)),
        ("depthwise_conv2d", layers.DepthwiseConv2D(3, depth_multiplier=4), (1, 8, 8, 32),
         kl.depthwise_conv2d(3, input_channels=32, depth_multiplier=4, rng=0)),
        ("separable_conv2d", layers.SeparableConv2D(64, 3, depth_multiplier=2), (1, 8, 8, 32),
         kl.separable_conv2d(64, 3, input_channels=32, depth_multiplier=2, rng=0)),
        ("conv2d_transpose", layers.Conv2DTranspose(64, 3), (1, 8, 8, 32),
         kl.conv2d_transpose(64, 3, input_channels=32, rng=0)),
        ("conv1d_transpose", layers.Conv1DTranspose(16, 5, use_bias=False), (1, 20, 8),
         kl.conv1d_transpose(16, 5, input_channels=8, use_bias=False, rng=0)),
    ]  # fmt: skip
    good = True
    for label, layer, shape, ours in cases:
        layer.build(shape)
        good &= compare(label, keras_weights(layer), ours)
    attention = [
        ("multi_head_attention", layers.MultiHeadAttention(8, 32), ((1, 7, 256), (1, 5, 256)),
         kl.multi_head_attention(8, 32, query_features=256, rng=0)),
        ("multi_head_attention", layers.MultiHeadAttention(4, 16, value_dim=8, output_shape=(3, 5),
                                                           use_gate=True),
         ((1, 7, 64), (1, 5, 48), (1, 5, 40)),
         kl.multi_head_attention(4, 16, value_dim=8, output_shape=(3, 5), use_gate=True,
                                 query_features=64, value_features=48, key_features=40, rng=0)),
    ]  # fmt: skip
    for label, layer, shapes, ours in attention:
        layer.build(*shapes)
        good &= compare(label, keras_weights(layer), {p: v for p, v in leaves(ours)})
    return good


def keras_weights(layer: Any) -> dict[str, np.ndarray]:
    """A built Keras layer's weights by path, without the layer's (and an RNN's cell's) name: ``query.kernel``."""
    skip = 2 if hasattr(layer, "cell") else 1
    names = [".".join(w.path.split("/")[skip:]) for w in layer.weights]
    return {n: np.asarray(w.numpy()) for n, w in zip(names, layer.weights, strict=True)}


FRAMEWORKS: dict[str, tuple[str, Callable[[], bool]]] = {
    "torch": ("torch", compare_torch),
    "haiku": ("haiku", compare_haiku),
    "flax": ("flax", compare_flax),
    "keras": ("keras", compare_keras),
}


def main() -> int:
    good = True
    for framework, (module, run) in FRAMEWORKS.items():
        if importlib.util.find_spec(module) is None:
            print(f"{framework}: not installed, skipped")
            continue
        print(f"{framework}:")
        good &= run()
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
