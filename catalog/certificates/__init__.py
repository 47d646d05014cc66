"""OCOP certificates: what one means on a given day (states), their life from submission to
revocation (lifecycle), the scans that back them (scans) and expiry reminders (reminders)."""
