"""Catalogs of the per-customer reasons, one module per language (en, fa, ru).

Each module holds ``REASONS`` (reason code -> template) and ``WORDS`` (word -> one form per plural
category of the language, as Babel's ``Locale.plural_form`` names them: one, few, many, other).
A template's ``{field}`` is a formatted fact; ``{word@field}`` is the word's form for the count in
``field``. ``keepwise.text.phrase`` fills them in.
"""
