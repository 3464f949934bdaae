"""Compare methods on the shared draws: prediction tables, bootstrap statistics, curves and figures."""
