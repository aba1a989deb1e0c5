import gc

# Start-up imports ~1,200 modules and builds their objects, all kept for the life of the
# process; the collector would walk them again and again while they are being made (about
# a tenth of a cold start). It stays off until the start is done: bot.cli turns it back on
# (for `run`, once the bot polls, after freezing what start-up built).
gc.disable()

from bot.cli import main  # noqa: E402  (after the collector is off)

raise SystemExit(main())
