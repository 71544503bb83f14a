"""RQ tasks (webhook delivery, expiry, e-mail) and the worker that runs them."""
