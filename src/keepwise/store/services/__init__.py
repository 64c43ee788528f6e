"""Every state change of the store, one function each: it checks the actor's permission, makes the
change and writes the audit log (who, when, what, before, after), all in one transaction.

Pages and the API call these functions; nothing else writes to the store (``keepwise import`` too
goes through ``services.imports``). Errors: ``Forbidden``, ``NotFound``, ``Invalid``.
"""
