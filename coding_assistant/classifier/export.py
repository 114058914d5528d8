"""The whole text → scores path as one ONNX graph, written node by node.

Inputs (see tfidf_inputs.py): `text`, the normal form of each text, and `chars`, its bounded window.
Word and character TF-IDF features (export_text.py), concatenated, then the pruned linear layer with
Platt calibration folded in (export_linear.py). Output `scores`: (texts, labels) probabilities.
"""

from __future__ import annotations

import onnx
from onnx import TensorProto, helper

from coding_assistant.classifier.export_linear import linear_layer
from coding_assistant.classifier.export_text import char_features, word_features
from coding_assistant.classifier.features import TextFeatures
from coding_assistant.classifier.linear import SparseLinear
from coding_assistant.classifier.onnx_builder import GraphBuilder
from coding_assistant.classifier.tfidf_inputs import CHARS_INPUT, TEXT_INPUT

OUTPUT = "scores"
OPSET = 17


def build_model(features: TextFeatures, linear: SparseLinear) -> onnx.ModelProto:
    if features.n_features != linear.n_features:
        raise ValueError(
            f"the linear layer reads {linear.n_features} features, the vectorizers give {features.n_features}"
        )
    graph = GraphBuilder()
    words = word_features(graph, features)
    chars = char_features(graph, features)
    both = graph.node("Concat", [words, chars], "features", axis=1)
    linear_layer(graph, both, linear, OUTPUT)
    onnx_graph = helper.make_graph(
        graph.nodes,
        "coding_assistant_tfidf",
        inputs=[
            helper.make_tensor_value_info(TEXT_INPUT, TensorProto.STRING, [None]),
            helper.make_tensor_value_info(CHARS_INPUT, TensorProto.STRING, [None]),
        ],
        outputs=[helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, [None, linear.indices.shape[0]])],
        initializer=graph.initializers,
    )
    model = helper.make_model(
        onnx_graph,
        opset_imports=[
            helper.make_opsetid("", OPSET),
            helper.make_opsetid("ai.onnx.ml", 3),
            helper.make_opsetid("com.microsoft", 1),
        ],
    )
    model.ir_version = min(model.ir_version, 9)
    onnx.checker.check_model(model)
    return model
