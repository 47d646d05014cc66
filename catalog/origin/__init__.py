"""Origin codes printed under QR stamps (codes) and what they lead to: products, production
batches and scan counts (traceability)."""
