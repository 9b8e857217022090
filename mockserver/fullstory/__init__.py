"""FullStory: the procedural world (users, sessions, events) and its renderings (events model,
Generate Context). Pure domain code: nothing in this package knows about HTTP."""
