"""`make bench` / `python -m gonghui bench`: a city-sized workload measured against raw baselines taken in
the same run (see runner.py). Not a test: it proves speed with figures."""
