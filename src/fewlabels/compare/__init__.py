"""Compare methods on the shared draws: prediction tables, bootstrap statistics, intervals and decisions, curves
and figures."""
