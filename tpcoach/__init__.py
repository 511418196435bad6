"""Developer tools, not shipped to Lambda: the ``tpcoach`` command (cli.py), the terminal chat
(chat.py), local request envelopes (local.py), the screen gallery (gallery.py), the text
simulator of Alexa's understanding (nlu.py) and the interaction model's builder and checks.

They read the runtime (``skill/``); the runtime never imports them.
"""
