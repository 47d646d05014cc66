"""Web pieces that more than one blueprint (or the CLI) uses.

A blueprint imports from here, from the app-wide modules beside this package (access, errors,
i18n, page cache) and from the domain packages — never from another blueprint. The rule is
checked by tests/test_architecture.py.
"""
