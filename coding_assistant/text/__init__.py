"""Text processing shared by search, matching and training."""
