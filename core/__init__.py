"""Tiny shared kernel: database, clock, money, text. Imports no project package."""
