"""The hour profile of bench/fold.ts computed with vectorized numpy, for a side-by-side throughput comparison.

`npm run bench:fold` starts this script and drives it over stdin, alternating its passes with the fold's:

    python3 bench/fold-numpy.py <dir>     (dir: the spec and columns bench/fold.ts wrote)

Commands, one per line: `pass` (one timed computation; prints its seconds), `profile` (prints the profile as
JSON, for the agreement check), `quit`. The columns arrive as numpy arrays (loading them is not timed: a batch
script reads columnar data), so this is numpy at its best; the fold starts from parsed event objects.

Per column it computes what the fold keeps (docs/metrics.md): drift-bin counts (searchsorted + bincount),
integrity counts, count, sum, sum of squared deviations from the baseline mean, min and max with their
counts, the log-bucket sketch's counts (by |x - mean| beyond half the baseline mean, by |x| elsewhere), counts
and positions on the baseline's percentile grid with the sums outside it; per profile the traffic, events with each kind of violation, and the binary task's tally
(confusion counts, log-loss sum, score cells per class, calibration buckets). Sums are numpy's (pairwise,
rounded), where the fold keeps them exact.
"""

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

RELATIVE_ACCURACY = 0.005
LOG_GAMMA = math.log((1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY))
POSITION_STEPS = 65_536
PROBABILITY_CLIP = 1e-15
LOG_TAIL_RATIO = math.log(1.01)


def load(directory):
    spec = json.loads((directory / "spec.json").read_text())
    columns = {}
    for column in spec["columns"]:
        name = column["name"]
        if column["kind"] == "numeric":
            columns[name] = np.fromfile(directory / f"{name}.f64", dtype="<f8")
        elif column["kind"] == "category":
            columns[name] = np.array(json.loads((directory / f"{name}.json").read_text()))
        else:
            columns[name] = np.fromfile(directory / f"{name}.u8", dtype=np.uint8).astype(bool)
    columns[spec["target"]] = np.fromfile(directory / f"{spec['target']}.u8", dtype=np.uint8).astype(bool)
    for column in spec["columns"]:
        for key in ("edges", "grid_edges", "categories"):
            if column.get(key) is not None:
                column[key] = np.array(column[key])
    return spec, columns


def buckets(indexes):
    """A sketch store: [first bucket, counts], [] when empty."""
    if indexes.size == 0:
        return []
    first = int(indexes.min())
    return [first, np.bincount(indexes - first)]


def numeric_column(x, column, masks):
    edges, grid = column["edges"], column["grid_edges"]
    valid = ~np.isnan(x)
    nulls = x.size - int(np.count_nonzero(valid))
    outside = (x < column["low"]) | (x > column["high"])
    masks["null"] |= ~valid
    masks["range"] |= outside
    v = x if nulls == 0 else x[valid]
    drift = np.bincount(np.searchsorted(edges, v, side="left"), minlength=edges.size + 1)
    deviation = v - column["shift"]
    low, high = v.min(), v.max()
    # The sketch keeps a value by |x - centre| beyond centre/2 on the centre's side, by |x| elsewhere.
    centre = column["shift"]
    centred = v > centre / 2 if centre > 0 else (v < centre / 2 if centre < 0 else np.zeros(v.size, dtype=bool))
    near = v[~centred]
    distance = v[centred] - centre
    positive = near[near > 0]
    negative = -near[near < 0]
    cell = np.searchsorted(grid, v, side="left")
    interior = (cell > 0) & (cell < grid.size)
    inner = cell[interior]
    lower = grid[inner - 1]
    # Math.round: half up, as floor(p + 0.5) for the non-negative positions.
    positions = np.floor((v[interior] - lower) / (grid[inner] - lower) * POSITION_STEPS + 0.5)
    return {
        "drift": drift,
        "nulls": nulls,
        "types": 0,
        "ranges": int(np.count_nonzero(outside)),
        "count": v.size,
        "sum": float(v.sum()),
        "sum_squares": float(deviation @ deviation),
        "min": float(low),
        "max": float(high),
        "min_count": int(np.count_nonzero(v == low)),
        "max_count": int(np.count_nonzero(v == high)),
        "zero": near.size - positive.size - negative.size,
        "positive": buckets(np.ceil(np.log(positive) / LOG_GAMMA).astype(np.int64)),
        "negative": buckets(np.ceil(np.log(negative) / LOG_GAMMA).astype(np.int64)),
        "at_centre": int(np.count_nonzero(distance == 0)),
        "above": buckets(np.ceil(np.log(distance[distance > 0]) / LOG_GAMMA).astype(np.int64)),
        "below": buckets(np.ceil(np.log(-distance[distance < 0]) / LOG_GAMMA).astype(np.int64)),
        "grid_counts": np.bincount(cell, minlength=grid.size + 1),
        "grid_positions": np.bincount(inner - 1, weights=positions, minlength=grid.size - 1),
        "below_sum": float(v[cell == 0].sum()),
        "above_sum": float(v[cell == grid.size].sum()),
    }


def category_column(x, column, masks):
    categories = column["categories"]
    order = np.argsort(categories, kind="stable")
    ordered = categories[order]
    at = np.minimum(np.searchsorted(ordered, x), ordered.size - 1)
    found = ordered[at] == x
    codes = np.where(found, order[at], categories.size)
    masks["range"] |= ~found
    return {
        "drift": np.bincount(codes, minlength=categories.size + 1),
        "nulls": 0,
        "types": 0,
        "ranges": x.size - int(np.count_nonzero(found)),
    }


def bool_column(x, masks):
    return {"drift": np.bincount(x, minlength=2), "nulls": 0, "types": 0, "ranges": 0}


def score_cells(p):
    cells = np.clip(np.floor(p * 10_000), 100, 9_899)
    low = p < 0.01
    high = p >= 0.99
    steps_low = np.maximum(np.floor(np.log(0.01 / np.maximum(p[low], 1e-15)) / LOG_TAIL_RATIO), 0)
    steps_high = np.maximum(np.floor(np.log(0.01 / np.maximum(1 - p[high], 1e-15)) / LOG_TAIL_RATIO), 0)
    cells[low] = 99 - steps_low
    cells[high] = 9_900 + steps_high
    return cells.astype(np.int64)


def binary_tally(y, p, threshold):
    predicted = p >= threshold
    confusion = np.bincount(2 * y + predicted, minlength=4)
    clipped = np.clip(p, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
    log_loss = -(np.log(clipped[y]).sum() + np.log(1 - clipped[~y]).sum())
    cells = score_cells(p)
    bucket = np.clip(np.floor(10 * p), 0, 9).astype(np.int64)
    return {
        "true_negatives": int(confusion[0]),
        "false_positives": int(confusion[1]),
        "false_negatives": int(confusion[2]),
        "true_positives": int(confusion[3]),
        "log_loss_sum": float(log_loss),
        "positive_scores": buckets(cells[y]),
        "negative_scores": buckets(cells[~y]),
        "calibration_count": np.bincount(bucket, minlength=10),
        "calibration_positives": np.bincount(bucket, weights=y, minlength=10),
        "calibration_probability_sum": np.bincount(bucket, weights=p, minlength=10),
    }


def hour_profile(spec, columns):
    n = columns[spec["target"]].size
    masks = {"null": np.zeros(n, dtype=bool), "range": np.zeros(n, dtype=bool)}
    result = {"traffic": n, "columns": {}}
    for column in spec["columns"]:
        x = columns[column["name"]]
        if column["kind"] == "numeric":
            state = numeric_column(x, column, masks)
        elif column["kind"] == "category":
            state = category_column(x, column, masks)
        else:
            state = bool_column(x, masks)
        result["columns"][column["name"]] = state
    null_events = int(np.count_nonzero(masks["null"]))
    range_events = int(np.count_nonzero(masks["range"]))
    result["all_columns"] = {
        "null_violations": null_events,
        "type_violations": 0,
        "range_violations": range_events,
        "any_violations": int(np.count_nonzero(masks["null"] | masks["range"])),
    }
    result["performance"] = binary_tally(columns[spec["target"]], columns[spec["score"]], spec["threshold"])
    return result


def plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main():
    spec, columns = load(Path(sys.argv[1]))
    for line in sys.stdin:
        command = line.strip()
        if command == "pass":
            started = time.perf_counter()
            hour_profile(spec, columns)
            print(time.perf_counter() - started, flush=True)
        elif command == "profile":
            print(json.dumps(plain(hour_profile(spec, columns))), flush=True)
        elif command == "quit":
            return


if __name__ == "__main__":
    main()
