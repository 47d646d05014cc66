"""Products: what shoppers may see (queries), a producer's own listings (portal), photos."""
