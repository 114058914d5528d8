"""Where the transformer trains (CPU or CUDA) and in which precision.

Mixed precision only on CUDA: bfloat16 where the card supports it (no loss scaling needed, same exponent range
as float32), float16 with a gradient scaler otherwise. On the CPU everything stays float32: CPU autocast is slow
on most server processors and would change the results a CPU run is tested for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

from coding_assistant.errors import CodingAssistantError

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(name: str) -> torch.device:
    if name not in DEVICES:
        raise CodingAssistantError(f"--device must be one of {', '.join(DEVICES)}, not {name!r}")
    if name == "cuda" and not torch.cuda.is_available():
        raise CodingAssistantError(
            "--device cuda: no CUDA GPU is visible to torch (see nvidia-smi, CUDA_VISIBLE_DEVICES)"
        )
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


@dataclass
class Precision:
    device: torch.device
    dtype: torch.dtype | None  # None: float32 throughout
    scaler: Any  # torch.amp.GradScaler for float16, None otherwise

    @classmethod
    def for_device(cls, device: torch.device, mixed: bool) -> Precision:
        if device.type != "cuda" or not mixed:
            return cls(device, None, None)
        if torch.cuda.is_bf16_supported():
            return cls(device, torch.bfloat16, None)
        return cls(device, torch.float16, torch.amp.GradScaler("cuda"))

    @property
    def name(self) -> str:
        return "float32" if self.dtype is None else str(self.dtype).removeprefix("torch.")

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        if self.dtype is None:
            yield
            return
        with torch.autocast(device_type=self.device.type, dtype=self.dtype):
            yield

    def backward(self, loss: torch.Tensor) -> None:
        (self.scaler.scale(loss) if self.scaler is not None else loss).backward()

    def step(self, optimiser: torch.optim.Optimizer, parameters: Iterable[torch.Tensor], max_norm: float) -> None:
        """Clip (on unscaled gradients) and step; a float16 step with overflowed gradients is skipped."""
        if self.scaler is not None:
            self.scaler.unscale_(optimiser)
        torch.nn.utils.clip_grad_norm_(list(parameters), max_norm)
        if self.scaler is not None:
            self.scaler.step(optimiser)
            self.scaler.update()
        else:
            optimiser.step()
