"""Debian's chromium for Playwright (its own browser download fails here) and widget helpers."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "results"


def send(page: Page, text: str) -> None:
    """Type into the widget and press its send button, as a debtor does."""
    page.fill("#ecoute-input", text)
    page.click("#ecoute-send")
