"""Cart → one buyer order split into one part per producer → payment. No Flask in here."""
