"""E-mail: the message, the log fallback, and the disabled-webhook notice."""

from __future__ import annotations

import logging

import pytest

from jobs_queue.delivery import disabled_mail
from jobs_queue.mail import Mail, Mailer
from storage.deliveries import SubscriptionDisabled


def test_the_message_has_sender_recipients_and_text() -> None:
    mailer = Mailer(host="", sender="Hirebridge <ops@hirebridge.example>")
    message = mailer.message(Mail(to=("a@example.com", "b@example.com"), subject="Hi", body="Text"))
    assert message["From"] == "Hirebridge <ops@hirebridge.example>"
    assert message["To"] == "a@example.com, b@example.com"
    assert message["Subject"] == "Hi" and message.get_content().strip() == "Text"
    assert message["Message-ID"] and message["Date"]


def test_an_html_part_goes_after_the_plain_text() -> None:
    message = Mailer(host="").message(
        Mail(to=("a@example.com",), subject="Hi", body="Text", html="<p>Text</p>")
    )
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]


def test_a_long_link_is_sent_as_it_reads() -> None:
    link = "https://portal.example/portal/sign-up/verify?token=" + "Wz" * 60 + ".abc="
    ascii_mail = Mailer(host="").message(Mail(to=("a@x.example",), subject="S", body=link))
    assert ascii_mail["Content-Transfer-Encoding"] == "7bit" and link in ascii_mail.as_string()
    # Text that is not ASCII is left to the library's encoding (and still decodes the same).
    accented = Mailer(host="").message(Mail(to=("a@x.example",), subject="S", body=f"Zoë {link}"))
    assert accented["Content-Transfer-Encoding"] != "7bit"
    assert accented.get_content().strip() == f"Zoë {link}"


def test_in_production_a_logged_message_keeps_no_body(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="jobs_queue.mail"):
        Mailer(host="", log_bodies=False).send(
            Mail(to=("a@example.com",), subject="Reset", body="https://secret-link")
        )
    [record] = caplog.records
    assert record.subject == "Reset" and not hasattr(record, "body")  # type: ignore[attr-defined]


def test_without_an_smtp_host_the_message_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="jobs_queue.mail"):
        Mailer(host="").send(Mail(to=("a@example.com",), subject="Hi", body="Text"))
    [record] = caplog.records
    assert record.subject == "Hi" and record.body == "Text"  # type: ignore[attr-defined]


def test_the_disabled_notice_names_the_webhook_and_the_way_back() -> None:
    mail = disabled_mail(
        SubscriptionDisabled(
            subscription_id=42,
            employer_id=7,
            url="https://hooks.example.com/in",
            consecutive_failures=10,
            admin_emails=("admin@example.com",),
        )
    )
    assert mail.to == ("admin@example.com",)
    assert mail.subject == "Hirebridge webhook 42 has been disabled"
    assert "https://hooks.example.com/in" in mail.body and "10 deliveries" in mail.body
    assert "PUT /api/v1/webhooks/42" in mail.body
