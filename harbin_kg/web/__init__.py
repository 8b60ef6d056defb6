"""What people open: the SPARQL endpoint and its pages, and the offline interactive maps."""
