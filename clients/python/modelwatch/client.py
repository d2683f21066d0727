"""The Modelwatch client: one method per API route, named as Fiddler's Python client names them where one
exists (upload_dataset, register_model, publish_event, publish_events_batch, get_metrics, ...)."""

import json
import os
import uuid
from urllib.parse import quote

from ._http import Transport, json_default, time_value
from ._tables import chunks_of, clean_row, file_format, is_dataframe
from .errors import ModelwatchError

LARGE_UPLOAD_BYTES = 5 * 1024 * 1024
_CONTENT_TYPES = {"csv": "text/csv", "ndjson": "application/x-ndjson", "json": "application/json"}


def _seg(value):
    return quote(str(value), safe="")


def _replayed_conflict(error):
    return isinstance(error, ModelwatchError) and error.status == 409 and error.replayed


class Client:
    """``Client(url, token)``: ``url`` is the service's base URL, ``token`` a bearer token.

    Requests that fail with 429, a 5xx or a lost connection are retried ``retries`` times with
    exponential backoff and full jitter. Failures raise ``ModelwatchError`` (``.status``, ``.code``,
    ``.message``).
    """

    def __init__(self, url, token, retries=3, timeout=60.0, backoff_base=0.2, backoff_max=10.0):
        self._http = Transport(url, token, retries, timeout, backoff_base, backoff_max)

    @property
    def url(self):
        return self._http.base_url

    def _call(self, method, path, **kwargs):
        return self._http.request(method, path, **kwargs)[1]

    # Projects and tokens

    def create_project(self, project_id):
        try:
            return self._call("POST", "/v1/projects", json_body={"project_id": project_id})
        except ModelwatchError as error:
            if _replayed_conflict(error):
                for project in self.list_projects():
                    if project["project_id"] == project_id:
                        return project
            raise

    def list_projects(self, limit=None):
        """Every project the token may see (all pages)."""
        return list(self._pages("/v1/projects", {"limit": limit}))

    def create_token(self, name, projects):
        """Admin only: a token allowed on ``projects``; the secret is in this answer only."""
        body = {"name": name, "projects": list(projects)}
        return self._call("POST", "/v1/tokens", json_body=body, retry="throttled")

    def revoke_token(self, token_id):
        self._call("DELETE", "/v1/tokens/" + _seg(token_id))

    # Datasets and models

    def upload_dataset(self, project_id, dataset_id, data, max_inferred_cardinality=None):
        """Uploads a baseline: a list of dicts, a CSV / NDJSON / JSON file path, or a pandas DataFrame.
        Answers the dataset info with the inferred schema. Files over 5 MB go through a presigned upload."""
        if is_dataframe(data):
            data = [clean_row(row) for row in data.to_dict(orient="records")]
        if isinstance(data, (str, os.PathLike)):
            path = os.fspath(data)
            content_type = _CONTENT_TYPES[file_format(path)]
            with open(path, "rb") as handle:
                body = handle.read()
        else:
            content_type = "application/json"
            body = json.dumps([clean_row(row) for row in data], default=json_default, allow_nan=False).encode()
        path = self._dataset_path(project_id, dataset_id)
        query = {"max_inferred_cardinality": max_inferred_cardinality}
        if len(body) <= LARGE_UPLOAD_BYTES:
            return self._call("PUT", path, query=query, body=body, content_type=content_type)
        upload = self._call("POST", path + "/uploads", json_body={"content_type": content_type})
        self._http.request(upload["method"], upload["url"], body=body, headers=upload.get("headers"), auth=False)
        return self._call("PUT", path, query=query, json_body={"upload_id": upload["upload_id"]})

    def get_dataset(self, project_id, dataset_id):
        return self._call("GET", self._dataset_path(project_id, dataset_id))

    def register_model(self, project_id, model_id, model_info):
        """Registers a model; ``model_info`` is a dict (dataset_id, task, inputs, outputs, targets, ...)."""
        info = model_info.to_dict() if hasattr(model_info, "to_dict") else dict(model_info)
        try:
            return self._call("PUT", self._model_path(project_id, model_id), json_body=info)
        except ModelwatchError as error:
            if _replayed_conflict(error):
                return self.get_model(project_id, model_id)
            raise

    def list_models(self, project_id):
        """Every model of a project, in id order, with its monitoring config."""
        return list(self._pages("/v1/projects/%s/models" % _seg(project_id), {}))

    def get_model(self, project_id, model_id):
        return self._call("GET", self._model_path(project_id, model_id))

    def set_monitoring(self, project_id, model_id, bins):
        """Drift bin cut points per numeric column: ``{"age": [30, 50]}`` or ``{"age": {"edges": [...]}}``."""
        bins = {k: (v if isinstance(v, dict) else {"edges": list(v)}) for k, v in bins.items()}
        return self._call("PUT", self._model_path(project_id, model_id) + "/monitoring", json_body={"bins": bins})

    # Events

    def publish_event(self, project_id, model_id, event, event_id=None, update_event=False, event_timestamp=None):
        """Publishes one event (or, with ``update_event=True``, updates targets, decisions or metadata of
        the event ``event_id``). Without ``event_id`` an insert gets a UUID here, so a retried publish is
        never counted twice. Answers ``{"event_id": ...}``."""
        if update_event and event_id is None:
            raise ValueError("update_event=True needs the event_id of the event to update")
        event_id = event_id if event_id is not None else str(uuid.uuid4())
        body = {"event": clean_row(dict(event)), "event_id": event_id, "update_event": bool(update_event)}
        if event_timestamp is not None:
            body["event_timestamp"] = time_value(event_timestamp)
        try:
            return self._call("POST", self._model_path(project_id, model_id) + "/events", json_body=body)
        except ModelwatchError as error:
            if not update_event and _replayed_conflict(error):
                return {"event_id": event_id}
            raise

    def publish_events_batch(self, project_id, model_id, batch_source, id_field="event_id", update_event=False,
                             timestamp_field="event_timestamp", timestamp_format="infer", chunk_rows=1000):
        """Publishes (or updates) many events from a list of dicts, a CSV / NDJSON / JSON file path, or a
        DataFrame, ``chunk_rows`` per request. Answers ``{"rows", "accepted", "rejected", "errors"}``, with
        each error's ``row`` the 0-based index of the row in the whole source."""
        path = self._model_path(project_id, model_id) + "/events/batch"
        query = {"update_event": bool(update_event), "id_field": id_field, "timestamp_field": timestamp_field,
                 "timestamp_format": timestamp_format}
        result = {"rows": 0, "accepted": 0, "rejected": 0, "errors": []}
        warnings = []
        for chunk in chunks_of(batch_source, id_field, not update_event, chunk_rows):
            result["rows"] += len(chunk.rows) + len(chunk.refused)
            errors = list(chunk.refused)
            if chunk.rows:
                _, answer, replayed = self._http.request("POST", path, query=query, body=chunk.body(),
                                                         content_type=chunk.content_type)
                result["accepted"] += answer["accepted"]
                for error in answer["errors"]:
                    error = dict(error, row=chunk.rows[error["row"]])
                    # After a lost attempt, "already exists" is most likely that attempt's own write.
                    if replayed and not update_event and error["code"] == "already_exists":
                        result["accepted"] += 1
                    else:
                        errors.append(error)
                warnings.extend(w for w in answer.get("warnings", []) if w not in warnings)
            result["rejected"] += len(errors)
            result["errors"].extend(errors)
        result["errors"].sort(key=lambda error: error["row"])
        if warnings:
            result["warnings"] = warnings
        return result

    def get_event(self, project_id, model_id, event_id):
        return self._call("GET", self._model_path(project_id, model_id) + "/events/" + _seg(event_id))

    # Metrics and monitoring

    def get_metrics(self, project_id, model_id, metric, column=None, bin_size="hour", start=None, end=None,
                    segment=None, baseline=None):
        """A metric as a time series: ``{"metric", "column", "bin_size", "points": [{"start", "value",
        "count"}]}``. ``start``/``end``: epoch ms, ISO-8601 strings or datetimes. ``segment``: a segment id;
        ``baseline`` (drift metrics): ``dataset``, ``window:<start>:<end>`` or ``previous:<n>``."""
        query = {"metric": metric, "column": column, "bin_size": bin_size, "start": start, "end": end,
                 "segment": segment, "baseline": baseline}
        return self._call("GET", self._model_path(project_id, model_id) + "/metrics", query=query)

    def query_metrics(self, project_id, model_id, queries, bin_size="hour", start=None, end=None):
        """Many series over one range in one request (at most 500): ``queries`` is a list of ``{"metric",
        "column"}`` dicts, and ``{"series": [...]}`` holds one series per query, in order."""
        body = {"bin_size": bin_size, "start": time_value(start), "end": time_value(end), "queries": list(queries)}
        body = {key: value for key, value in body.items() if value is not None}
        return self._call("POST", self._model_path(project_id, model_id) + "/metrics/query", json_body=body)

    def distributions(self, project_id, model_id, column, bin_size="hour", start=None, end=None, segment=None):
        """A column's counts per drift bin in each time bin: ``{"column", "kind", "bins", "baseline", "points"}``."""
        query = {"column": column, "bin_size": bin_size, "start": start, "end": end, "segment": segment}
        return self._call("GET", self._model_path(project_id, model_id) + "/distributions", query=query)

    def performance(self, project_id, model_id, bin_size="hour", start=None, end=None, segment=None):
        """A classification model's confusion matrix per time bin: ``{"task", "classes", "threshold", "points":
        [{"start", "data_count", "confusion", ...}]}``; binary points add ``tp``, ``fp``, ``tn``, ``fn`` and the
        10 ``calibration`` buckets. A regression model raises ModelwatchError ``not_classification``."""
        query = {"bin_size": bin_size, "start": start, "end": end, "segment": segment}
        return self._call("GET", self._model_path(project_id, model_id) + "/performance", query=query)

    def summary(self, project_id, model_id, bin_size="hour", start=None, end=None):
        """The model's health over a range: traffic, per column drift and violations, performance, label
        coverage and open alerts."""
        query = {"bin_size": bin_size, "start": start, "end": end}
        return self._call("GET", self._model_path(project_id, model_id) + "/summary", query=query)

    def run_monitor(self):
        """Admin only: folds everything published so far into the metrics and evaluates alert rules."""
        return self._call("POST", "/v1/monitor/run")

    # Alerts

    def add_alert_rule(self, project_id, model_id, rule):
        """Creates an alert rule (a dict of contract section 6: name, metric, columns, bin_size, ...)."""
        return self._call("POST", self._rules_path(project_id, model_id), json_body=dict(rule), retry="throttled")

    def get_alert_rules(self, project_id, model_id):
        return list(self._pages(self._rules_path(project_id, model_id), {}))

    def get_alert_rule(self, project_id, model_id, rule_id):
        return self._call("GET", self._rules_path(project_id, model_id) + "/" + _seg(rule_id))

    def update_alert_rule(self, project_id, model_id, rule_id, changes):
        return self._call("PATCH", self._rules_path(project_id, model_id) + "/" + _seg(rule_id),
                          json_body=dict(changes))

    def delete_alert_rule(self, project_id, model_id, rule_id):
        self._call("DELETE", self._rules_path(project_id, model_id) + "/" + _seg(rule_id))

    def get_triggered_alerts(self, project_id, model_id, start=None, end=None):
        """Triggered alert records, newest first; ``start``/``end`` filter on the bin start."""
        path = self._model_path(project_id, model_id) + "/alerts"
        return list(self._pages(path, {"start": start, "end": end}))

    # Segments (contract section 10)

    def put_segment(self, project_id, model_id, segment_id, filter, name=None):
        """Defines or changes a segment: ``filter`` maps columns to ``{"in": [...]}`` or ``{"min", "max"}``.
        The next monitor run builds it from the events already stored."""
        body = {"name": name or segment_id, "filter": dict(filter)}
        return self._call("PUT", self._segment_path(project_id, model_id, segment_id), json_body=body)

    def get_segments(self, project_id, model_id):
        """The model's segments, defined and automatic, with their state (``ready`` or ``building``)."""
        return self._call("GET", self._model_path(project_id, model_id) + "/segments")["items"]

    def delete_segment(self, project_id, model_id, segment_id):
        return self._call("DELETE", self._segment_path(project_id, model_id, segment_id))

    def segment_breakdown(self, project_id, model_id, column, metric, metric_column=None, bin_size="day",
                          at=None, order="desc"):
        """The segments of a ``segment_by`` column ranked by a metric in the bin holding ``at``."""
        query = {"column": column, "metric": metric, "metric_column": metric_column, "bin_size": bin_size,
                 "at": at, "order": order}
        return self._call("GET", self._model_path(project_id, model_id) + "/segments/breakdown", query=query)

    def _segment_path(self, project_id, model_id, segment_id):
        return self._model_path(project_id, model_id) + "/segments/" + _seg(segment_id)

    # Incidents (contract section 11)

    def get_incidents(self, project_id, model_id):
        """Incidents (consecutive firings of one rule and column), newest first."""
        return list(self._pages(self._model_path(project_id, model_id) + "/incidents", {}))

    def acknowledge_incident(self, project_id, model_id, incident_id):
        """From now on only the incident's resolve is notified."""
        return self._call("POST", self._incident_path(project_id, model_id, incident_id) + "/acknowledge")

    def snooze_incident(self, project_id, model_id, incident_id, until):
        """Nothing is notified for the incident until ``until`` (epoch ms, ISO-8601 or a datetime; in the future)."""
        return self._call("POST", self._incident_path(project_id, model_id, incident_id) + "/snooze",
                          json_body={"until": time_value(until)})

    def mute_alert_rule(self, project_id, model_id, rule_id, muted=True):
        """A muted rule keeps evaluating and keeping records, and sends nothing."""
        return self.update_alert_rule(project_id, model_id, rule_id, {"muted": muted})

    def enable_alert_rule(self, project_id, model_id, rule_id, enabled=True):
        return self.update_alert_rule(project_id, model_id, rule_id, {"enabled": enabled})

    def _incident_path(self, project_id, model_id, incident_id):
        return self._model_path(project_id, model_id) + "/incidents/" + _seg(incident_id)

    # Helpers

    def _pages(self, path, query):
        token = None
        while True:
            page = self._call("GET", path, query=dict(query, next_token=token))
            for item in page["items"]:
                yield item
            token = page.get("next_token")
            if not token:
                return

    def _dataset_path(self, project_id, dataset_id):
        return "/v1/projects/%s/datasets/%s" % (_seg(project_id), _seg(dataset_id))

    def _model_path(self, project_id, model_id):
        return "/v1/projects/%s/models/%s" % (_seg(project_id), _seg(model_id))

    def _rules_path(self, project_id, model_id):
        return self._model_path(project_id, model_id) + "/alert-rules"
