"""The floor every other package stands on: settings, the Redis client, logging and metrics.

It imports none of Hirebridge's other packages (``storage``, ``handlers``, ``jobs_queue``,
``hirebridge``), and every one of them may import it; ``tests/unit/test_package_graph.py`` keeps
it so.
"""
