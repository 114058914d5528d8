"""Code classifier: train with scikit-learn (or transformers), export to ONNX, serve with onnxruntime only.

Importing this package loads nothing heavy: training modules import scikit-learn lazily, and the
predictor needs only onnxruntime and numpy.
"""

from coding_assistant.classifier.bundle import ModelBundle, read_bundle
from coding_assistant.classifier.predictor import Predictor, load_predictor

__all__ = ["ModelBundle", "Predictor", "load_predictor", "read_bundle"]
