"""Plain services: no Telegram here. Handlers call them; they call repositories."""
