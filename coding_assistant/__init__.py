"""coding-assistant: CIM-10 FR coding proposals for PMSI hospital stays."""

__version__ = "0.1.0"
