"""Speed and quality benchmarks; ``python -m benchmarks`` runs them (see __main__)."""
