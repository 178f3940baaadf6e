"""What the ask service adds to every answer: the matching curated answer first, and the question log.

Neither may cost the user the answer: a failure here is logged and the answer goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from app.services import faq_match
from app.services.feedback import Identity, log_question

log = logging.getLogger(__name__)


def with_curated_and_log(kb, events: Iterator[dict], identity: Identity | None = None) -> Iterator[dict]:
    """``events`` of the ask service, plus ``{"type": "curated", "match"}`` right after the standalone
    question when a curated answer is close, and ``log_id`` (and ``curated``) on the done event."""
    if not getattr(kb.settings, "feedback_identity", False):
        identity = None  # personal data only when the administrator turned it on
    curated = None
    for event in events:
        if event["type"] == "done":
            served = curated.item["id"] if curated and not curated.review else None
            try:
                event["log_id"] = log_question(kb.data_dir, event["answer"], identity, served)
            except Exception:  # noqa: BLE001 - the user still gets the answer
                log.exception("could not log the question")
                event["log_id"] = None
            event["curated"] = curated
        yield event
        if event["type"] == "standalone":
            try:
                curated = faq_match.match(kb, event["text"])
            except Exception:  # noqa: BLE001
                log.exception("curated answer lookup failed")
            if curated is not None:
                yield {"type": "curated", "match": curated}
