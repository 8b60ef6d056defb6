"""Asking the graph: the read-only guard's users, the engine, results and their formats, the bundled queries."""
