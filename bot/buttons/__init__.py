"""Button kinds several features put on their messages (the digest and the notices too),
by feature: ``hq``, ``programs``, ``reports``. A kind only its own feature sends is
declared in that feature's handlers."""
