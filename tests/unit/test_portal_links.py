"""The portal's e-mailed links: absolute from the configured base URL, signed per purpose."""

from __future__ import annotations

import pytest

from hirebridge.portal.links import Links, Purpose
from storage.link_secrets import LinkRefused, LinkSecret


def test_links_start_with_the_public_base_url_and_name_row_and_secret() -> None:
    links = Links("secret", "https://portal.example.com/")
    link = LinkSecret(row_id=42, secret="s3cret")
    url = links.for_link(Purpose.ACCEPT_INVITATION, link)
    assert url.startswith("https://portal.example.com/portal/invitations/accept?token=")
    assert links.read(Purpose.ACCEPT_INVITATION, url.split("token=")[1]) == link
    assert links.url("/portal/sign-in") == "https://portal.example.com/portal/sign-in"


def test_a_token_opens_only_what_it_was_made_for_and_only_if_signed_by_us() -> None:
    links = Links("secret", "https://portal.example.com")
    token = links.token(Purpose.RESET_PASSWORD, LinkSecret(1, "s"))
    for purpose in (Purpose.VERIFY_SIGN_UP, Purpose.ACCEPT_INVITATION):
        with pytest.raises(LinkRefused):
            links.read(purpose, token)
    payload, signature = token.rsplit(".", 1)
    other = "A" if signature[0] != "A" else "B"
    for forged in (f"{payload}.{other}{signature[1:]}", payload, "", None, "x" * 600):
        with pytest.raises(LinkRefused):
            links.read(Purpose.RESET_PASSWORD, forged)
    with pytest.raises(LinkRefused):
        Links("another secret", "https://portal.example.com").read(Purpose.RESET_PASSWORD, token)
