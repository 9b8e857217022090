"""The one HTTP pipeline: spec loading, routing, auth, validation, dispatch, rendering, errors."""
