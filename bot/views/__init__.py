"""Text by feature: catalog + presenter + data in, HTML out; no Telegram, no storage writes.

- ``common``: what every feature's text shares (tracking numbers, status labels, report
  cards, the refused action's words).
- ``admin``, ``digest``, ``figures``, ``hq``, ``notify``, ``programs``, ``report``,
  ``sessions``: one module per feature.
"""
