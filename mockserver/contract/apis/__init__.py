"""One module per API, each with a module-level ``ENTRY`` (:class:`~mockserver.contract.entries.
ApiEntry`): its provider states, how they reach Schemathesis, and its properties. Add a module here
when an API lands; nothing else in the kit changes."""
