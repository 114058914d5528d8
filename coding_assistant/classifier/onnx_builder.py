"""A small helper for writing ONNX graphs node by node."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper


class GraphBuilder:
    """Nodes and initializers of a graph (or of an If branch) under construction."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, domain: str = "", **attributes: object) -> str:
        # onnx's stub types **kwargs like its named parameters (str | None); they are node attributes of any type.
        self.nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attributes))  # type: ignore[arg-type]
        return output

    def nodes_with_outputs(self, op: str, inputs: list[str], outputs: list[str], **attributes: object) -> list[str]:
        self.nodes.append(helper.make_node(op, inputs, outputs, **attributes))  # type: ignore[arg-type]
        return outputs


def int64(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)
