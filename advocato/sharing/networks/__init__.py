"""Connected networks: one folder per network (`linkedin/`, `x/`, `mastodon/`, `bluesky/`),
each with its adapter, its local fake server and its tests. `base.py` holds what they share:
the errors, the HTTP call that turns a network's answer into one of them, and the registry."""
