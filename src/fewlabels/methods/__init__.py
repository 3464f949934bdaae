"""Method families: each turns the shared draws into predictions on the test set (the prediction table)."""
