"""The conversation, one module per stage, each holding its handlers and the moves they make:
``ask`` (why it hurts, the answer, the offer), ``safety`` (the screen, red flags), ``routine``
(fetch, steps, navigation, the other side), ``follow`` (a later day's follow-up, how am I doing,
forget me), ``session`` (launch, help, stop, fallback, errors) and ``system`` (requests that are
not a spoken turn). ``questions`` is the table of pending questions and how each is asked again.

A move that leads into another stage calls it through that stage's module
(``routine_stage.start_routine``), looked up when called, so stage modules may import each
other; ``base`` holds what every handler shares.
"""
