"""The Open311 GeoReport v2 API and the read-only dashboard, served beside the bot (aiohttp)."""
