"""People who sign in: buyers, producer members and program admins."""
