"""The daily digest: content from section providers, subscriptions, a resumable broadcast.

- ``content``: what a digest is made of (recipients, sections, the provider registry).
- ``sections``: the built-in section providers; a feature adds its own with one line.
- ``schedule``: which day and time a digest belongs to (pure functions of the clock).
- ``service``: subscriptions, recipients and the delivery log (no Telegram here).
- ``broadcast``: sending pending rows within Telegram's limits, exactly where it stopped.
- ``runner``: one broadcast at a time in the background, with a clean stop.
"""
