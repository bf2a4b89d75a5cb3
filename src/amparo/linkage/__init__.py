"""Record linkage: which reports of several sources are one victim."""
