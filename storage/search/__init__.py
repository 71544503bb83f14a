"""Boolean CV search: one query language, one tokenizer, two database translations.

The query (Elasticsearch query_string subset) is parsed with luqum into a small tree of
``Term``/``And``/``Or``/``Not`` nodes (``query.py``). Profiles and queries are cut into words by the
same tokenizer (``tokens.py``: folded, then stemmed with English Snowball), so both databases see
exactly the words we chose: PostgreSQL gets a tsvector and a tsquery written as literals
(``postgres.py``; no parser or stemmer of the database's own is involved), SQLite gets FTS5 text
and MATCH expressions over pre-tokenized words (``sqlite.py``). The query text itself never
reaches the database.
"""
