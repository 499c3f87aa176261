"""The trusted third party's engine: partners' files checked against their agreement's schema,
pseudonymised and located at entry, kept in one encrypted store per agreement, turned into tables
by declared recipes and released only through statistical secrecy (``engine.secrecy``).

Nothing here imports Django: the web app ``web.partners`` holds agreements, deposits' metadata,
the journal and the workflow, and calls this package with plain values.
"""
