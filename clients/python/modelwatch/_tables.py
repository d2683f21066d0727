"""Batch sources (a list of dicts, a CSV / NDJSON / JSON file path, or a pandas DataFrame) turned into
request-sized chunks; insert rows without an id get one first, so a retried chunk can never count twice."""

import csv
import io
import json
import math
import os
import uuid

from ._http import json_default


class Chunk:
    def __init__(self, content_type, header=None):
        self.content_type = content_type
        self.header = header
        self.lines = []
        self.rows = []
        self.refused = []
        self.size = 0

    def body(self):
        lines = self.lines if self.header is None else [self.header] + self.lines
        return "\n".join(lines).encode("utf-8")


def chunks_of(source, id_field, give_ids, chunk_rows=1000, chunk_bytes=2 * 1024 * 1024):
    """Yields Chunks of at most ``chunk_rows`` rows (or about ``chunk_bytes`` characters)."""
    if is_dataframe(source):
        rows, kind = dataframe_rows(source), "rows"
    elif isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        kind = file_format(path)
        rows = path
    else:
        rows, kind = source, "rows"
    if kind == "csv":
        return _csv_chunks(rows, id_field, give_ids, chunk_rows, chunk_bytes)
    if kind == "ndjson":
        return _row_chunks(_ndjson_rows(rows), id_field, give_ids, chunk_rows, chunk_bytes)
    if kind == "json":
        with open(rows, encoding="utf-8-sig") as handle:
            values = json.load(handle)
        if not isinstance(values, list):
            raise ValueError("%s must hold a JSON array of rows" % rows)
        return _row_chunks(values, id_field, give_ids, chunk_rows, chunk_bytes)
    return _row_chunks(rows, id_field, give_ids, chunk_rows, chunk_bytes)


def file_format(path):
    extension = os.path.splitext(path)[1].lower()
    formats = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "json"}
    if extension not in formats:
        raise ValueError("cannot tell the format of %s: use a .csv, .ndjson, .jsonl or .json file" % path)
    return formats[extension]


def is_dataframe(value):
    return hasattr(value, "to_dict") and hasattr(value, "columns") and hasattr(value, "iterrows")


def dataframe_rows(frame):
    return (clean_row(row) for row in frame.to_dict(orient="records"))


def clean_row(row):
    """NaN (pandas' missing value) becomes None: JSON has no NaN."""
    return {key: (None if isinstance(value, float) and math.isnan(value) else value) for key, value in row.items()}


def _new_id():
    return str(uuid.uuid4())


def _add(chunk, line, row, chunk_rows, chunk_bytes):
    chunk.lines.append(line)
    chunk.rows.append(row)
    chunk.size += len(line) + 1
    return len(chunk.rows) >= chunk_rows or chunk.size >= chunk_bytes


def _row_chunks(rows, id_field, give_ids, chunk_rows, chunk_bytes):
    chunk = Chunk("application/x-ndjson")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            chunk.refused.append({"row": index, "event_id": None, "code": "invalid_row",
                                  "message": "the row is not an object"})
            continue
        row = clean_row(row)
        if give_ids and row.get(id_field) in (None, ""):
            row[id_field] = _new_id()
        line = json.dumps(row, default=json_default, allow_nan=False)
        if _add(chunk, line, index, chunk_rows, chunk_bytes):
            yield chunk
            chunk = Chunk("application/x-ndjson")
    if chunk.rows or chunk.refused:
        yield chunk


def _ndjson_rows(path):
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    yield None


def _csv_line(cells):
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _csv_chunks(path, id_field, give_ids, chunk_rows, chunk_bytes):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        id_column = header.index(id_field) if id_field in header else -1
        append_id = id_column < 0 and give_ids
        header_line = _csv_line(header + [id_field] if append_id else header)
        chunk = Chunk("text/csv", header_line)
        row = 0
        for record in reader:
            if not record:
                continue  # an empty line is not a row (the service skips them too)
            index, row = row, row + 1
            if len(record) != len(header):
                chunk.refused.append({"row": index, "event_id": None, "code": "invalid_row",
                                      "message": "the CSV record has %d cells; the header has %d columns"
                                      % (len(record), len(header))})
                continue
            if append_id:
                record.append(_new_id())
            elif give_ids and id_column >= 0 and record[id_column] == "":
                record[id_column] = _new_id()
            if _add(chunk, _csv_line(record), index, chunk_rows, chunk_bytes):
                yield chunk
                chunk = Chunk("text/csv", header_line)
        if chunk.rows or chunk.refused:
            yield chunk
