"""Counter and admin pages for display points (filled in step 4)."""
