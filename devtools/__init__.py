"""Development tools: the demo data of `make run`, the national-scale generator and the benchmark
harness of `make bench` / `make load`. Installed in the dev, test and bench settings only; no
runtime app imports it."""
