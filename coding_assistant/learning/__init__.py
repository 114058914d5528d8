"""Learning from the site's own coders: training data from the store, a model registry, threshold
recalibration from the coders' decisions."""
