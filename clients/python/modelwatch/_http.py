"""HTTP with urllib: bearer auth, JSON in and out, and retries with exponential backoff and full jitter on
429, 5xx and connection errors (never on other 4xx answers, which a retry cannot fix)."""

import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from .errors import ModelwatchError


class Transport:
    def __init__(self, url, token, retries=3, timeout=60.0, backoff_base=0.2, backoff_max=10.0):
        if not url:
            raise ValueError("url is required")
        self.base_url = url.rstrip("/")
        self.token = token
        self.retries = max(0, int(retries))
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max

    def request(self, method, path, query=None, json_body=None, body=None, content_type=None,
                headers=None, auth=True, retry="all"):
        """Sends one request; answers (status, parsed body, replayed). ``retry='throttled'`` retries 429 only,
        for creations that are not idempotent."""
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        params = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        all_headers = {"Accept": "application/json", "User-Agent": "modelwatch-python/0.1.0"}
        all_headers.update(headers or {})
        if auth:
            all_headers["Authorization"] = "Bearer " + self.token
        if json_body is not None:
            body = json.dumps(json_body, default=json_default, allow_nan=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        elif body is not None and content_type:
            all_headers["Content-Type"] = content_type
        if isinstance(body, str):
            body = body.encode("utf-8")

        replayed = False
        attempt = 0
        while True:
            can_retry = attempt < self.retries
            try:
                status, text = self._send(urllib.request.Request(url, data=body, headers=all_headers, method=method))
            except (urllib.error.URLError, ConnectionError, socket.timeout) as error:
                if can_retry and retry != "throttled":
                    replayed = True
                    time.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                reason = getattr(error, "reason", error)
                raise ModelwatchError(0, "network_error", "could not reach %s: %s" % (self.base_url, reason),
                                      replayed) from error
            retryable = status == 429 or (status >= 500 and retry != "throttled")
            if retryable and can_retry:
                if status != 429:
                    replayed = True
                time.sleep(self._backoff(attempt))
                attempt += 1
                continue
            if status >= 400:
                raise ModelwatchError.from_answer(status, text, replayed)
            return status, _parse(text), replayed

    def _send(self, request):
        """One attempt: (status, text). HTTP error answers are returned, not raised."""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def _backoff(self, attempt):
        # Full jitter: a uniformly random delay below the exponentially growing cap.
        return random.uniform(0, min(self.backoff_max, self.backoff_base * (2 ** attempt)))


def _parse(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(time_value(value))


def time_value(value):
    """A time for the API: datetimes become epoch ms (naive ones read as UTC); numbers and strings pass."""
    if hasattr(value, "timestamp") and hasattr(value, "tzinfo"):
        if value.tzinfo is None:
            import datetime

            value = value.replace(tzinfo=datetime.timezone.utc)
        return int(round(value.timestamp() * 1000))
    return value


def json_default(value):
    """JSON for values json does not know: datetimes, numpy and pandas scalars."""
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text + "Z" if getattr(value, "tzinfo", True) is None and "T" in text else text
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError("%r is not JSON serializable" % (value,))
