"""Errors every layer may raise; the HTTP layer turns them into API.md's error body.

Messages are zh-CN first, English second, and name the field and the rule broken.
"""

from __future__ import annotations


class WuyiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message_zh: str, message_en: str, field: str | None = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field

    def body(self) -> dict[str, dict[str, str | None]]:
        return {
            "error": {
                "code": self.code,
                "message_zh": self.message_zh,
                "message_en": self.message_en,
                "field": self.field,
            }
        }


class InvalidInput(WuyiError):
    status = 422
    code = "invalid"


class NotFound(WuyiError):
    status = 404
    code = "not_found"


class Unauthorized(WuyiError):
    status = 401
    code = "unauthorized"


class Forbidden(WuyiError):
    status = 403
    code = "forbidden"


class TooLarge(WuyiError):
    """A request body, or the event it would record, is larger than the system carries."""

    status = 413
    code = "too_large"


class Unavailable(WuyiError):
    """A dependency (the database) is out of reach for now; the client should retry."""

    status = 503
    code = "unavailable"
    retry_after = 5


class TooManyRequests(WuyiError):
    """A rate limit was reached; ``retry_after`` seconds until the caller may try again."""

    status = 429
    code = "rate_limited"

    def __init__(
        self, message_zh: str, message_en: str, retry_after: int, field: str | None = None
    ) -> None:
        super().__init__(message_zh, message_en, field)
        self.retry_after = retry_after


class Conflict(WuyiError):
    status = 409
    code = "conflict"


class ConcurrencyConflict(Conflict):
    """Another writer appended to the stream first: the expected version is stale."""

    code = "concurrent_modification"

    def __init__(self, stream_id: str, expected: int | None, actual: int) -> None:
        super().__init__(
            f"数据已被他人修改（期望版本 {expected}，实际版本 {actual}），请刷新后重试",
            f"stream {stream_id} was modified concurrently (expected version {expected}, "
            f"actual {actual}); reload and retry",
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class KeyTaken(Conflict):
    """A unique key (a code, a name under one parent) is already held by another stream."""

    code = "duplicate"

    def __init__(self, key: str, holder: str, field: str | None = None) -> None:
        super().__init__(
            f"已存在相同记录（{key}），不能重复登记", f"{key} is already taken by {holder}", field
        )
        self.key = key
        self.holder = holder
