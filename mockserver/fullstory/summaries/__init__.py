"""AI session summaries without an AI: a deterministic summarizer with no HTTP in it.

* :mod:`.dialect`: FullStory's upper-case ``response_schema`` dialect (check it, translate it to
  JSON Schema so answers can be validated).
* :mod:`.facts`: what happened in a session, read from events in FullStory's Events model.
* :mod:`.insights`: judgements drawn from the facts (funnel stage, outcome, intent, ...).
* :mod:`.wording`: phrasings, chosen deterministically (temperature picks among them).
* :mod:`.text`: the ``summary`` text, shaped by the prompts.
* :mod:`.filler`: the structured ``response``, filled per property name and description.
* :mod:`.builtin`: the built-in profiles every tenant has.
* :mod:`.summarize`: the whole answer for one session and one effective profile.
"""
