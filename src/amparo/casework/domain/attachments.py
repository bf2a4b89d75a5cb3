"""What a case may keep as an attached document: a PDF or a picture, of limited size, recognised by its
content rather than by the name or type the browser gave it."""

from enum import StrEnum

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# The first bytes of each kind of file kept, and the type it is served back as.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class AttachmentProblem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_ALLOWED = "not_allowed"


def content_type_of(content: bytes) -> str | None:
    """The type of a file by its first bytes, among those kept; None for any other."""
    return next((kind for signature, kind in SIGNATURES if content.startswith(signature)), None)


def attachment_problem(size: int, content: bytes, limit: int = MAX_ATTACHMENT_BYTES) -> AttachmentProblem | None:
    """Why a file cannot be attached, or None."""
    if size == 0:
        return AttachmentProblem.EMPTY
    if size > limit:
        return AttachmentProblem.TOO_LARGE
    if content_type_of(content) is None:
        return AttachmentProblem.NOT_ALLOWED
    return None
