"""The proposal pipeline: text evidence, classifier scores, specificity and PMSI rules → proposals."""

from coding_assistant.pipeline.pipeline import CodingPipeline, PipelineSettings, default_model_dir

__all__ = ["CodingPipeline", "PipelineSettings", "default_model_dir"]
