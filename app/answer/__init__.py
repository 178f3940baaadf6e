"""Answers with verified citations: extractive by default, any OpenAI-compatible LLM when configured."""

from app.answer.types import Answer, Citation

__all__ = ["Answer", "Citation"]
