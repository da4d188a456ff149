"""A debtor chats through the widget on the demo page, in Debian's chromium, headless."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import ARGS, CHROMIUM, RESULTS, send
from playwright.sync_api import expect, sync_playwright
from stack import Stack, add_debtor

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

SCREENSHOTS = RESULTS / "screenshots"


def test_debtor_chats_through_the_widget_on_the_demo_page(stack: Stack) -> None:
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    invoice, token = add_debtor(stack, language="fr")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(stack.gateway_url + "/")
        expect(page.locator("body")).to_contain_text("Lumen")  # the demo page lists debtors
        page.goto(f"{stack.gateway_url}/?t={token}")
        bot = page.locator("#ecoute-messages .ecoute-msg.ecoute-bot")
        expect(bot.first).to_contain_text("assistant automatisé", timeout=30_000)
        expect(bot.last).to_contain_text("code postal", timeout=30_000)

        send(page, "75011")
        expect(page.locator("#ecoute-messages")).to_contain_text(invoice, timeout=30_000)

        send(page, "j'ai perdu mon travail, je peux mettre 300 euros par mois")
        expect(page.locator(".ecoute-button").first).to_be_visible(timeout=30_000)
        page.locator(".ecoute-button", has_text="Oui").last.click()
        expect(page.locator("#ecoute-messages")).to_contain_text("versement", timeout=30_000)
        page.locator(".ecoute-button", has_text="Cela me convient").last.click()
        expect(page.locator("#ecoute-messages")).to_contain_text("récapitulatif", timeout=30_000)
        user_bubbles = page.locator("#ecoute-messages .ecoute-msg.ecoute-user")
        expect(user_bubbles.last).to_contain_text("Cela me convient")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget-conversation.png"), full_page=True)

        page.reload()  # the transcript survives a reload
        expect(page.locator("#ecoute-messages")).to_contain_text("récapitulatif", timeout=15_000)
        browser.close()
