"""One thin module per DVC stage (``python -m fewlabels.stages.<name>``): read params and inputs, call the
library, write outputs. Every stage module ends with ``run(main)`` (:func:`fewlabels.errors.run`): an expected
failure is one ``error: ...`` line and exit status 1; anything else is a bug and keeps its traceback.
"""
