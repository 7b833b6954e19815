"""Browser journeys: a real server, Debian's Chromium, Playwright and axe-core."""
