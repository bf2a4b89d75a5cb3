"""Record linkage without Django: comparisons, training, scoring, clustering and evaluation."""
