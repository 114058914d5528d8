"""The linear layer of the graph: scores = sigmoid(Σ kept features × weights + bias), in one of two forms
chosen by an If on the batch size (same weights, same result).

- A few texts: GatherElements of each label's kept features, × weights, ReduceSum. GatherElements costs
  1.6 ns per element where Gather along axis 1 costs 10 ns (onnxruntime 1.32, measured: 1.3 vs 8.5 ms
  for 2,000 labels × 400 weights on one core).
- A batch: the features transposed to (features, texts), Gather of whole rows (one index fetches the
  value of every text), then one small MatMul per label, (1 × kept) · (kept × texts): each index and
  weight is read once per batch instead of once per text.

Indices are int32 to halve the memory they stream. A dense layer (skl2onnx's one-vs-rest conversion)
grows with labels² (measured: 158 s and 401 MB at 2,000 labels); this one holds labels × kept weights.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper

from coding_assistant.classifier.linear import SparseLinear
from coding_assistant.classifier.onnx_builder import GraphBuilder, int64

# From this many texts per call the batched form is the faster one (whole graph, 2,000 labels × 400 weights,
# one thread, CPU ms per 2,000-word text, per-text vs batched form: 1 text 4.7 vs 12.9; 4: 4.0 vs 4.7;
# 6: 3.3 vs 3.3; 8: 3.9 vs 3.6; 16: 4.5 vs 2.9 — measured on a loaded machine, hence the noise).
BATCHED_FROM = 8
LABEL_BLOCK = 64


def _per_text_branch(features: str, indices: str, weights: str, labels: int, kept: int) -> onnx.GraphProto:
    """Few texts: GatherElements row by row (indices repeated per row), × weights, ReduceSum."""
    graph = GraphBuilder()
    batch = graph.node("Shape", [features], "small_batch", end=1)
    shape = graph.node("Concat", [batch, graph.constant("small_total", int64(labels * kept))], "small_shape", axis=0)
    flat = graph.node("Reshape", [indices, graph.constant("small_flat", int64(1, -1))], "small_indices")
    per_row = graph.node("Expand", [flat, shape], "small_indices_per_row")
    gathered = graph.node("GatherElements", [features, per_row], "small_gathered", axis=1)
    blocks = graph.node(
        "Reshape", [gathered, graph.constant("small_blocks", int64(-1, labels, kept))], "small_blocks_out"
    )
    weighted = graph.node("Mul", [blocks, weights], "small_weighted")
    graph.node("ReduceSum", [weighted, graph.constant("small_axis", int64(2))], "small_decision", keepdims=0)
    return helper.make_graph(
        graph.nodes,
        "per_text",
        inputs=[],
        outputs=[helper.make_tensor_value_info("small_decision", TensorProto.FLOAT, [None, labels])],
        initializer=graph.initializers,
    )


def _batched_branch(features: str, indices: str, weights: str, labels: int) -> onnx.GraphProto:
    """Many texts: features transposed to (features, texts) so that one Gather index fetches a whole row
    of texts, then one small matrix product per label: (1 × kept) · (kept × texts).

    Labels go by blocks of LABEL_BLOCK so that each block's gathered values (block × kept × texts) stay in
    the processor's cache until its MatMul reads them: for 2,000 labels, 400 weights and 16 texts, one
    block of all labels gathers 51 MB per call and costs 0.94 CPU ms per text; blocks of 50 to 100
    labels cost 0.67 (measured, one core)."""
    graph = GraphBuilder()
    by_feature = graph.node("Transpose", [features], "batch_by_feature", perm=[1, 0])
    row_weights = graph.node(
        "Reshape", [weights, graph.constant("batch_weight_shape", int64(labels, 1, -1))], "batch_row_weights"
    )
    blocks = [min(LABEL_BLOCK, labels - start) for start in range(0, labels, LABEL_BLOCK)]
    block_sizes = graph.constant("batch_blocks", int64(*blocks))
    block_indices = [f"batch_indices_{b}" for b in range(len(blocks))]
    block_weights = [f"batch_weights_{b}" for b in range(len(blocks))]
    graph.nodes_with_outputs("Split", [indices, block_sizes], block_indices, axis=0)
    graph.nodes_with_outputs("Split", [row_weights, block_sizes], block_weights, axis=0)
    products = []
    for b in range(len(blocks)):
        gathered = graph.node("Gather", [by_feature, block_indices[b]], f"batch_gathered_{b}", axis=0)
        products.append(graph.node("MatMul", [block_weights[b], gathered], f"batch_products_{b}"))  # (block, 1, texts)
    joined = graph.node("Concat", products, "batch_products", axis=0) if len(products) > 1 else products[0]
    by_label = graph.node(
        "Reshape", [joined, graph.constant("batch_by_label", int64(labels, -1))], "batch_by_label_out"
    )
    graph.node("Transpose", [by_label], "batch_decision", perm=[1, 0])
    return helper.make_graph(
        graph.nodes,
        "batched",
        inputs=[],
        outputs=[helper.make_tensor_value_info("batch_decision", TensorProto.FLOAT, [None, labels])],
        initializer=graph.initializers,
    )


def linear_layer(graph: GraphBuilder, features: str, linear: SparseLinear, output: str) -> str:
    labels, kept = linear.indices.shape
    indices = graph.constant("kept_indices", linear.indices.astype(np.int32))  # (labels, kept)
    weights = graph.constant("kept_weights", linear.weights.astype(np.float32))  # (labels, kept)
    batch = graph.node("Shape", [features], "batch", end=1)
    batched = graph.node("GreaterOrEqual", [batch, graph.constant("batched_from", int64(BATCHED_FROM))], "batched_1")
    condition = graph.node("Squeeze", [batched], "batched")
    decision = graph.node(
        "If",
        [condition],
        "decision_no_bias",
        then_branch=_batched_branch(features, indices, weights, labels),
        else_branch=_per_text_branch(features, indices, weights, labels, kept),
    )
    decision = graph.node("Add", [decision, graph.constant("bias", linear.bias.astype(np.float32))], "decision")
    return graph.node("Sigmoid", [decision], output)
