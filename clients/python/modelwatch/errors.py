"""The one error the client raises for a failed request, carrying the API's error body."""

import json


class ModelwatchError(Exception):
    """A request the service refused (``status`` >= 400) or could not be reached (``status`` 0).

    ``code`` is the API's stable error code (``not_found``, ``invalid_field``, ...) or ``network_error``.
    ``replayed`` is True when an earlier attempt of the same request may have taken effect (it failed with
    a 5xx or a lost connection), so a 409 may be the client's own earlier write.
    """

    def __init__(self, status, code, message, replayed=False):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.replayed = replayed

    def __str__(self):
        where = " (HTTP %d %s)" % (self.status, self.code) if self.status else " (%s)" % self.code
        return self.message + where

    @classmethod
    def from_answer(cls, status, text, replayed):
        code, message = "http_%d" % status, (text or "").strip()[:500] or "the service answered HTTP %d" % status
        try:
            body = json.loads(text)
            error = body.get("error") if isinstance(body, dict) else None
            if isinstance(error, dict) and isinstance(error.get("code"), str):
                code = error["code"]
                message = error.get("message") or message
        except ValueError:
            pass
        return cls(status, code, message, replayed)
