"""The figures of `make bench` and the servers of `make bench` / `make load` (scripts/bench.py,
scripts/load.py). Each figure is one JSON object: name, value, unit, goal, ok (and details)."""
