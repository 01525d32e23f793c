"""Events one app tells its neighbours in the same layer (or above) without importing them.

Apps in one layer (analytics · rewards · enablement) may not import each other. When one of
them has news another acts on, the signal is declared here, in lib, which both may import;
the listening app connects in its `AppConfig.ready()`. (Signals from a lower app to a higher
one live with the lower app, e.g. `links.signals`.)
"""

from django.dispatch import Signal

# enablement sends, rewards listens: `employee_id` passed the quiz of training module
# `module_id` (`title`, for the ledger's note) for the first time, at `at`, earning `points`.
# Sent inside the transaction that records the completion, so the points entry and the
# completion are written together or not at all; the ledger's source key
# ("training:<module>:<employee>") makes a second send pay nothing.
training_passed = Signal()
