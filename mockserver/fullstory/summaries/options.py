"""The ``llm`` part of a profile: prompts, temperature, response schema (and beta's ``model``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.fullstory.summaries.dialect import DialectError, check_schema

MODELS: tuple[str, ...] = ("GEMINI_2_FLASH", "GEMINI_2_FLASH_LITE")
MAX_PROMPT = 10_000
# The help center's defaults (api-facts 1.2); an empty prompt means "use the default".
DEFAULT_PRE_PROMPT = (
    "The following json encodes a user session as a sequence of page views and events, "
    "comprising the user's experience. Keep in mind the data is raw, and some values may not be "
    "relevant."
)
DEFAULT_POST_PROMPT = "Please summarize the user's experience."


class LlmOptionsError(ValueError):
    """An ``llm`` value the schema cannot rule out; the message names the field."""


@dataclass(frozen=True, slots=True)
class LlmOptions:
    """The LLM options of a summary request or profile: prompts, temperature, response
    schema and model."""

    pre_prompt: str = ""
    post_prompt: str = ""
    temperature: float | None = None
    response_schema: Mapping[str, Any] | None = None
    model: str | None = None

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None, where: str = "llm") -> LlmOptions:
        """Parse an ``llm`` object (snake_case, or the help center's camelCase)."""
        body = body or {}
        pre = _text(_either(body, "pre_prompt", "prePrompt"), f"{where}.pre_prompt")
        post = _text(_either(body, "post_prompt", "postPrompt"), f"{where}.post_prompt")
        temperature = body.get("temperature")
        if temperature is not None:
            if isinstance(temperature, bool) or not isinstance(temperature, int | float):
                raise LlmOptionsError(f"{where}.temperature must be a number")
            if not 0.0 <= float(temperature) <= 1.0:
                raise LlmOptionsError(f"{where}.temperature must be between 0 and 1")
            temperature = float(temperature)
        schema = _either(body, "response_schema", "responseSchema")
        if schema is not None:
            try:
                check_schema(schema, f"{where}.response_schema")
            except DialectError as exc:
                raise LlmOptionsError(str(exc)) from None
            if schema.get("type") != "OBJECT":
                # `response` is a map (the contract types it an object), so the root must be one.
                raise LlmOptionsError(f"{where}.response_schema.type must be OBJECT at the root")
        model = body.get("model")
        if model is not None and model not in MODELS:
            raise LlmOptionsError(f"{where}.model must be one of {', '.join(MODELS)}")
        return cls(pre, post, temperature, schema or None, model)

    def to_body(self) -> dict[str, Any]:
        """The snake_case form, with only what is set (as proto3 JSON omits unset fields)."""
        out: dict[str, Any] = {}
        if self.pre_prompt:
            out["pre_prompt"] = self.pre_prompt
        if self.post_prompt:
            out["post_prompt"] = self.post_prompt
        if self.temperature is not None:
            out["temperature"] = self.temperature
        if self.response_schema is not None:
            out["response_schema"] = dict(self.response_schema)
        if self.model is not None:
            out["model"] = self.model
        return out


def _either(body: Mapping[str, Any], snake: str, camel: str) -> Any:
    return body[snake] if body.get(snake) is not None else body.get(camel)


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LlmOptionsError(f"{where} must be text")
    if len(value) > MAX_PROMPT:
        raise LlmOptionsError(f"{where} may be at most {MAX_PROMPT} characters")
    return value
