"""Benchmarks: each module's ``main()`` prints its numbers and ratios against a baseline
measured in the same run (never absolute targets, which depend on the machine)."""
