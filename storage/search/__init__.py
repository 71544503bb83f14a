"""Boolean CV search: one query language, one tokenizer, two database translations.

The query (Elasticsearch query_string subset) is parsed with luqum into a small tree of
``Term``/``And``/``Or``/``Not`` nodes (``query.py``). Profiles and queries are cut into words by the
same tokenizer (``tokens.py``: folded, then stemmed with English Snowball), so both databases see
exactly the words we chose: PostgreSQL gets a tsvector and a tsquery written as literals
(``postgres.py``; no parser or stemmer of the database's own is involved), SQLite gets FTS5 text
and MATCH expressions over pre-tokenized words (``sqlite.py``). The query text itself never
reaches the database.

The rest of the package, from the outside in:

- ``request.py``: what a search is asked and what it answers; rows are ``MaskedProfile``s, which
  carry a name's initials and nothing else of the person;
- ``service.py``: ``search_candidates``, the one entry point (parse, charge, search, read the page's
  rows masked);
- ``walk.py``: walking one search's ranked results page after page (v2's cursors);
- ``limits.py``: the result and rescore windows that bound a search's work;
- ``sqlite_statements.py``; ``postgres_search.py`` (which statements a search runs, and the
  planner) over ``postgres_statements.py`` (the statements) and ``breadth.py`` (the statistics
  that tell a broad query);
- ``indexing.py``: a profile's words filed in the index, in the caller's transaction.
"""
