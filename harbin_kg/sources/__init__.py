"""What enters the graph: verbatim quotes located by offset in the shipped texts, and citations of other pages."""
