"""The graph as networks: projections, centrality, brokerage, pathways, scores written back as RDF, exports."""
