"""Building and holding the graph: paths, checks, the build and its outputs, SHACL validation, stores, labels."""
