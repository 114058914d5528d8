"""The whole text → scores path as one ONNX graph.

skl2onnx converts each TF-IDF vectorizer; the linear layer is written by hand as
Gather + Mul + ReduceSum + Add + Sigmoid over the pruned (labels × kept) weights, because skl2onnx's
one-vs-rest conversion grows with labels² (measured: 158 s and 401 MB at 2,000 labels) and its dense
weights would not fit the size budget.
"""

from __future__ import annotations

import warnings

import numpy as np
import onnx
from onnx import TensorProto, compose, helper, numpy_helper
from sklearn.feature_extraction.text import TfidfVectorizer

from coding_assistant.classifier.linear import SparseLinear

INPUT = "text"
OUTPUT = "scores"
OPSET = 17
# skl2onnx's default tokenizer pattern is ASCII-only; this one keeps letters of any script (the text is
# already normalised, but the graph must not depend on it to split words the way scikit-learn does).
TOKEN_EXPRESSION = r"[\p{L}\p{N}_]{2,}"


def _vectorizer_graph(vectorizer: TfidfVectorizer, prefix: str, word: bool) -> onnx.ModelProto:
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import StringTensorType

    options = {id(vectorizer): {"tokenexp": TOKEN_EXPRESSION}} if word else {}
    with warnings.catch_warnings():
        # skl2onnx warns that character analyzers "may not work": plain `char` n-grams on normalised text do
        # convert exactly (the parity test holds scores within 1e-5), so the warning is noise here.
        warnings.filterwarnings("ignore", message="The conversion of CountVectorizer may not work")
        model = convert_sklearn(
            vectorizer,
            initial_types=[(INPUT, StringTensorType([None, 1]))],
            options=options,
            target_opset={"": OPSET, "ai.onnx.ml": 3},
        )
    return compose.add_prefix(model, prefix)


def build_model(vectorizers: tuple[TfidfVectorizer, TfidfVectorizer], linear: SparseLinear) -> onnx.ModelProto:
    word = _vectorizer_graph(vectorizers[0], "word_", word=True)
    char = _vectorizer_graph(vectorizers[1], "char_", word=False)
    nodes = [
        helper.make_node("Identity", [INPUT], ["word_" + INPUT]),
        helper.make_node("Identity", [INPUT], ["char_" + INPUT]),
        *word.graph.node,
        *char.graph.node,
        helper.make_node("Concat", [word.graph.output[0].name, char.graph.output[0].name], ["features"], axis=1),
        helper.make_node("Gather", ["features", "kept_indices"], ["kept_features"], axis=1),
        helper.make_node("Mul", ["kept_features", "kept_weights"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted", "sum_axis"], ["decision_no_bias"], keepdims=0),
        helper.make_node("Add", ["decision_no_bias", "bias"], ["decision"]),
        helper.make_node("Sigmoid", ["decision"], [OUTPUT]),
    ]
    initializers = [
        *word.graph.initializer,
        *char.graph.initializer,
        numpy_helper.from_array(linear.indices.astype(np.int64), "kept_indices"),
        numpy_helper.from_array(linear.weights.astype(np.float32), "kept_weights"),
        numpy_helper.from_array(linear.bias.astype(np.float32), "bias"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "sum_axis"),
    ]
    graph = helper.make_graph(
        nodes,
        "coding_assistant_tfidf",
        inputs=[helper.make_tensor_value_info(INPUT, TensorProto.STRING, [None, 1])],
        outputs=[helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, [None, linear.indices.shape[0]])],
        initializer=initializers,
    )
    opsets: dict[str, int] = {}
    for model in (word, char):
        for opset in model.opset_import:
            opsets[opset.domain] = max(opsets.get(opset.domain, 0), opset.version)
    opsets[""] = max(opsets.get("", 0), OPSET)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(domain, version) for domain, version in opsets.items()]
    )
    model.ir_version = min(model.ir_version, 9)
    onnx.checker.check_model(model)
    return model
