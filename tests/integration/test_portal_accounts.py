"""Self-serve accounts through HTTP: sign-up, password reset, the team and invitations.

The app runs in process on this session's PostgreSQL with ``PUBLIC_BASE_URL`` set; its e-mails
go through the real mail queue (Redis, an RQ worker run here in burst) to a real SMTP server on
loopback (aiosmtpd). Every refusal is checked to change nothing: expired, reused and forged links,
the last-admin rules, CSRF, and the limits on e-mail requests (on an app with a low limit).
"""

from __future__ import annotations

import secrets
import signal
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from hirebridge.portal.sessions import COOKIE_NAME
from jobs_queue import mail
from jobs_queue.queues import MAIL_QUEUE
from storage import clock, db, team, users
from storage.models import Employer, Invitation, Plan, SignUpRequest, User, UserRole
from tests.support.factories import EmployerFactory
from tests.support.mail import SmtpSink, html_of, links_in, text_of
from tests.support.portal import (
    PASSWORD,
    PortalApp,
    build_portal_app,
    csrf_token,
    make_user,
    own_redis,
    sign_in,
)

PUBLIC = "https://portal.example.test"
NEW_PASSWORD = "a fresh and longer passphrase"


class Mailroom:
    """Sends what the app queued (an RQ worker in burst, here) to the SMTP sink; reads it."""

    def __init__(self, redis_url: str, sink: SmtpSink) -> None:
        self.connection = redis.Redis.from_url(redis_url)
        self.sink = sink

    def deliver(self) -> None:
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            SimpleWorker(
                [Queue(MAIL_QUEUE, connection=self.connection)], connection=self.connection
            ).work(burst=True, logging_level="WARNING")
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    def to(self, address: str) -> list[EmailMessage]:
        self.deliver()
        return self.sink.inbox.to(address)

    def link_to(self, address: str) -> str:
        """The first link of the newest e-mail to ``address``, as a path on the app."""
        [*_, newest] = self.to(address)
        link = links_in(newest)[0]
        assert link.startswith(PUBLIC + "/portal/"), link
        return link.removeprefix(PUBLIC)


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    smtp = SmtpSink()
    previous = mail.current()
    mail.configure(mail.Mailer(host="127.0.0.1", port=smtp.port))
    yield smtp
    mail.configure(previous)
    smtp.stop()


@pytest.fixture(scope="module")
def accounts_redis() -> str:
    return own_redis(6)


@pytest.fixture(scope="module")
def module_app(
    postgresql_url: str, accounts_redis: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PortalApp]:
    yield from build_portal_app(
        postgresql_url,
        accounts_redis,
        tmp_path_factory.mktemp("accounts"),
        "198.51.100.20",
        portal_sign_in_per_minute=100_000,
        portal_emails_per_hour=100_000,
        public_base_url=PUBLIC,
    )


@pytest.fixture
def portal(module_app: PortalApp) -> Any:
    db.use(module_app.database)
    module_app.client.cookies.clear()
    return module_app.client


@pytest.fixture(scope="module")
def mailroom(accounts_redis: str, sink: SmtpSink) -> Mailroom:
    return Mailroom(accounts_redis, sink)


@pytest.fixture
def clock_offset() -> Iterator[Callable[[timedelta], None]]:
    yield clock.set_offset
    clock.set_offset(timedelta(0))


def address(name: str = "ada") -> str:
    return f"{name}-{secrets.token_hex(4)}@acme.example"


def form_post(client: Any, page: str, action: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Open ``page`` and post ``data`` to ``action`` with the page's CSRF token."""
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    return client.post(
        action,
        data={**data, "csrf_token": csrf_token(shown.text)},
        follow_redirects=False,
        **kwargs,
    )


def sign_up(client: Any, email: str, company: str = "Acme Ltd", **kwargs: Any) -> Any:
    return form_post(
        client,
        "/portal/sign-up",
        "/portal/sign-up",
        {"company": company, "name": "Ada Admin", "email": email, "password": PASSWORD},
        **kwargs,
    )


def follow(client: Any, link: str, **fields: str) -> Any:
    """Open an e-mailed link's page and submit its form (which carries the link's token)."""
    page = client.get(link)
    assert page.status_code == 200, page.text
    token = page.text.split('name="token" value="')[1].split('"')[0]
    return client.post(
        link.split("?")[0],
        data={"csrf_token": csrf_token(page.text), "token": token, **fields},
        follow_redirects=False,
    )


def confirm(client: Any, link: str) -> Any:
    return follow(client, link)


def with_password(client: Any, link: str, password: str = NEW_PASSWORD, **more: str) -> Any:
    return follow(client, link, **{"password": password, "password_again": password, **more})


def user_named(email: str) -> User | None:
    with db.unit_of_work() as session:
        user = users.find_user(session, email)
        if user is not None:
            session.expunge(user)
        return user


def count(model: type[Any], *conditions: Any) -> int:
    with db.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def alert(response: Any) -> str:
    return str(response.text.split('role="alert">')[1].split("<")[0])


# ---------------------------------------------------------------------------------------------
# Sign-up


class TestSignUp:
    def test_the_account_exists_only_after_the_e_mailed_link_is_followed(
        self, portal: Any, mailroom: Mailroom
    ) -> None:
        email = address()
        company = f"Acme {secrets.token_hex(3)}"
        # The Host a request names never makes its way into a link.
        answered = sign_up(portal, email, company, headers={"Host": "evil.example"})
        assert answered.status_code == 200 and "Check your e-mail" in answered.text
        assert user_named(email) is None
        assert count(Employer, Employer.name == company) == 0

        [message] = mailroom.to(email)
        assert message["Subject"] == "Confirm your e-mail address for Hirebridge"
        link = links_in(message)[0]
        assert link.startswith(f"{PUBLIC}/portal/sign-up/verify?token=")
        assert link in html_of(message) and "evil.example" not in text_of(message)
        assert "24 hours" in text_of(message)

        page = portal.get(link.removeprefix(PUBLIC))
        assert company in page.text and email in page.text
        # Looking at the page (a mail scanner does) uses nothing up.
        assert user_named(email) is None
        done = confirm(portal, link.removeprefix(PUBLIC))
        assert done.status_code == 303
        assert done.headers["location"] == "/portal/sign-in?done=verified"

        admin = user_named(email)
        assert admin is not None and admin.role is UserRole.EMPLOYER_ADMIN
        with db.unit_of_work() as session:
            employer = session.get(Employer, admin.employer_id)
            assert employer is not None
            assert (employer.name, employer.plan) == (company, Plan.FREE)
        assert sign_in(portal, email).headers["location"] == "/portal/keys"

    def test_a_registered_address_gets_the_same_answer_and_its_owner_an_e_mail(
        self, portal: Any, mailroom: Mailroom, make_employer: EmployerFactory
    ) -> None:
        email = make_user(make_employer())
        fresh = address("new")
        requests_before = count(SignUpRequest)
        # The same address as a person might type it: a BOM, a no-break space, a loud domain.
        local, domain = email.split("@")
        registered = sign_up(portal, f"\ufeff{local}@{domain.upper()}\u00a0")
        portal.cookies.clear()
        unregistered = sign_up(portal, fresh)
        assert registered.status_code == unregistered.status_code == 200
        # The page has no form, so nothing in it differs but the address.
        assert registered.text.replace(email, "X") == unregistered.text.replace(fresh, "X")
        assert count(SignUpRequest) == requests_before + 1

        [note] = mailroom.to(email)
        assert note["Subject"] == "You already have a Hirebridge account"
        assert links_in(note) == [f"{PUBLIC}/portal/sign-in", f"{PUBLIC}/portal/password-reset"]
        assert [m["Subject"] for m in mailroom.to(fresh)] == [
            "Confirm your e-mail address for Hirebridge"
        ]

    def test_bad_input_is_explained_and_records_nothing(
        self, portal: Any, mailroom: Mailroom
    ) -> None:
        before = count(SignUpRequest)
        for data, message in (
            ({"company": " ", "name": "Ada", "email": address()}, "The company name needs"),
            ({"company": "Acme", "name": "", "email": address()}, "Your name needs"),
            ({"company": "Acme", "name": "Ada", "email": "not-an-address"}, "valid e-mail"),
            (
                {"company": "Acme", "name": "Ada", "email": address(), "password": "short"},
                "at least 12 characters",
            ),
        ):
            refused = form_post(
                portal, "/portal/sign-up", "/portal/sign-up", {"password": PASSWORD, **data}
            )
            assert refused.status_code == 400 and message in alert(refused)
            assert "short" not in refused.text  # a password is never shown back
        assert count(SignUpRequest) == before

    def test_an_expired_a_reused_and_a_forged_link_make_nothing(
        self, portal: Any, mailroom: Mailroom, clock_offset: Callable[[timedelta], None]
    ) -> None:
        late, twice = address("late"), address("twice")
        sign_up(portal, late)
        sign_up(portal, twice)
        late_link, twice_link = mailroom.link_to(late), mailroom.link_to(twice)

        clock_offset(timedelta(hours=24, minutes=1))
        expired = portal.get(late_link)
        assert expired.status_code == 400 and "expired" in alert(expired)
        clock_offset(timedelta(0))

        assert confirm(portal, twice_link).status_code == 303
        token = twice_link.split("token=")[1]
        reused = portal.post(
            "/portal/sign-up/verify",
            data={"csrf_token": csrf_token(portal.get("/portal/sign-up").text), "token": token},
        )
        assert reused.status_code == 400 and "already been used" in alert(reused)

        payload, signature = token.rsplit(".", 1)
        forgeries = [
            f"{payload}.{signature[:-2]}xx",
            token[:-10],
            "",
            # A genuine token of another purpose (this one verifies a sign-up).
            f"/portal/password-reset/choose?token={token}",
        ]
        for forged in forgeries:
            path = forged if forged.startswith("/") else f"/portal/sign-up/verify?token={forged}"
            refused = portal.get(path)
            assert refused.status_code == 400 and "not valid" in alert(refused), forged
        assert user_named(late) is None
        assert count(User, User.email == twice) == 1


# ---------------------------------------------------------------------------------------------
# Password reset


class TestPasswordReset:
    def test_a_new_password_ends_every_other_session(
        self, portal: Any, mailroom: Mailroom, make_employer: EmployerFactory
    ) -> None:
        email = make_user(make_employer())
        assert sign_in(portal, email).status_code == 303
        elsewhere = portal.cookies[COOKIE_NAME]
        portal.cookies.clear()

        asked = form_post(
            portal, "/portal/password-reset", "/portal/password-reset", {"email": email}
        )
        assert asked.status_code == 200 and "Check your e-mail" in asked.text
        [message] = mailroom.to(email)
        assert message["Subject"] == "Choose a new Hirebridge password"
        assert "one hour" in text_of(message) and links_in(message)[0] in html_of(message)
        link = mailroom.link_to(email)
        assert email in portal.get(link).text

        changed = with_password(portal, link)
        assert changed.status_code == 303
        assert changed.headers["location"] == "/portal/keys?done=password-changed"
        # This browser is signed in with the new generation; the other session has ended.
        assert portal.get("/portal/keys").status_code == 200
        portal.cookies.clear()
        portal.cookies.set(COOKIE_NAME, elsewhere, path="/portal")
        assert portal.get("/portal/keys", follow_redirects=False).status_code == 303
        portal.cookies.clear()
        assert sign_in(portal, email).status_code == 400
        portal.cookies.clear()
        assert sign_in(portal, email, NEW_PASSWORD).status_code == 303

    def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(
        self, portal: Any, mailroom: Mailroom, make_employer: EmployerFactory
    ) -> None:
        known, unknown = make_user(make_employer()), address("nobody")
        answers = [
            form_post(portal, "/portal/password-reset", "/portal/password-reset", {"email": email})
            for email in (known, unknown)
        ]
        assert [a.status_code for a in answers] == [200, 200]
        assert answers[0].text.replace(known, "X") == answers[1].text.replace(unknown, "X")
        assert len(mailroom.to(known)) == 1 and mailroom.to(unknown) == []

    def test_links_are_single_use_and_expire_after_an_hour(
        self,
        portal: Any,
        mailroom: Mailroom,
        make_employer: EmployerFactory,
        clock_offset: Callable[[timedelta], None],
    ) -> None:
        email = make_user(make_employer())
        for _ in range(3):
            form_post(portal, "/portal/password-reset", "/portal/password-reset", {"email": email})
        first, second, third = (links_in(m)[0].removeprefix(PUBLIC) for m in mailroom.to(email))

        clock_offset(timedelta(minutes=61))
        expired = portal.get(first)
        assert expired.status_code == 400 and "expired" in alert(expired)
        clock_offset(timedelta(0))

        mismatch = with_password(portal, second, password_again="not the same at all!")
        assert mismatch.status_code == 400 and "not the same" in alert(mismatch)
        too_short = with_password(portal, second, "short")
        assert too_short.status_code == 400 and "at least 12" in alert(too_short)
        assert with_password(portal, second).status_code == 303
        # Used: and the other link still open went with it.
        for spent in (second, third):
            refused = portal.get(spent)
            assert refused.status_code == 400 and "already been used" in alert(refused)
        portal.cookies.clear()
        assert sign_in(portal, email, NEW_PASSWORD).status_code == 303


# ---------------------------------------------------------------------------------------------
# Team and invitations


def team_page(client: Any) -> str:
    page = client.get("/portal/team")
    assert page.status_code == 200, page.text
    return str(page.text)


def invite(client: Any, email: str, role: str = "Recruiter") -> Any:
    return form_post(
        client, "/portal/team", "/portal/team/invitations", {"email": email, "role": role}
    )


def invitation_id(employer_id: int, email: str) -> int:
    with db.unit_of_work() as session:
        found = session.scalar(
            select(Invitation.id).where(
                Invitation.employer_id == employer_id, Invitation.email == email
            )
        )
        assert found is not None
        return int(found)


def role_of(email: str) -> UserRole | None:
    user = user_named(email)
    return user.role if user is not None else None


class TestTeam:
    def test_an_invited_recruiter_joins_by_choosing_a_password_and_reads_only(
        self, portal: Any, mailroom: Mailroom, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer(name=f"Acme {secrets.token_hex(3)}")
        admin = make_user(employer_id)
        recruiter = address("rita")
        sign_in(portal, admin)
        sent = invite(portal, recruiter)
        assert sent.status_code == 303 and sent.headers["location"] == "/portal/team?done=invited"
        listed = team_page(portal)
        assert recruiter in listed and "Send again" in listed

        [message] = mailroom.to(recruiter)
        assert "invited you to" in message["Subject"] and "as a recruiter" in text_of(message)
        assert "7 days" in text_of(message)
        link = mailroom.link_to(recruiter)
        assert link.startswith("/portal/invitations/accept?token=")

        portal.cookies.clear()
        joined = with_password(portal, link, name="Rita Recruiter")
        assert (
            joined.status_code == 303 and joined.headers["location"] == "/portal/keys?done=welcome"
        )
        assert role_of(recruiter) is UserRole.RECRUITER
        seen = team_page(portal)
        assert "Rita Recruiter" in seen and admin in seen
        assert 'id="invite"' not in seen and "Change role" not in seen and "Remove</a>" not in seen

        token = csrf_token(seen)
        admin_id = user_named(admin).id  # type: ignore[union-attr]
        for path, data in (
            ("/portal/team/invitations", {"email": address(), "role": "Recruiter"}),
            (f"/portal/team/users/{admin_id}/role", {"role": "Recruiter"}),
            (f"/portal/team/users/{admin_id}/remove", {}),
        ):
            refused = portal.post(path, data={**data, "csrf_token": token})
            assert refused.status_code == 403 and "Only an employer admin" in refused.text, path
        assert portal.get(f"/portal/team/users/{admin_id}/remove").status_code == 403
        assert role_of(admin) is UserRole.EMPLOYER_ADMIN
        # The link is spent.
        portal.cookies.clear()
        again = portal.get(link)
        assert again.status_code == 400 and "already been used" in alert(again)

    def test_sending_again_replaces_the_link_and_links_expire_after_seven_days(
        self,
        portal: Any,
        mailroom: Mailroom,
        make_employer: EmployerFactory,
        clock_offset: Callable[[timedelta], None],
    ) -> None:
        employer_id = make_employer()
        sign_in(portal, make_user(employer_id))
        invited = address("ivan")
        invite(portal, invited, "EmployerAdmin")
        old = mailroom.link_to(invited)
        resent = form_post(
            portal,
            "/portal/team",
            f"/portal/team/invitations/{invitation_id(employer_id, invited)}/resend",
            {},
        )
        assert resent.headers["location"] == "/portal/team?done=resent"
        new = mailroom.link_to(invited)
        assert new != old
        portal.cookies.clear()
        replaced = portal.get(old)
        assert replaced.status_code == 400 and "not valid" in alert(replaced)

        clock_offset(timedelta(days=7, minutes=1))
        expired = portal.get(new)
        assert expired.status_code == 400 and "expired" in alert(expired)
        clock_offset(timedelta(days=6))
        assert with_password(portal, new, name="Ivan Admin").status_code == 303
        assert role_of(invited) is UserRole.EMPLOYER_ADMIN

    def test_an_address_of_an_existing_user_cannot_be_invited(
        self, portal: Any, mailroom: Mailroom, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer()
        sign_in(portal, make_user(employer_id))
        elsewhere = make_user(make_employer())
        local, domain = elsewhere.split("@")
        # The same address, as normalize_email reads it.
        refused = invite(portal, f" {local}@{domain.upper()}")
        assert refused.status_code == 409 and "already belongs" in alert(refused)
        assert count(Invitation, Invitation.employer_id == employer_id) == 0
        assert mailroom.to(elsewhere) == []

    def test_the_last_admin_can_be_neither_demoted_nor_removed(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer()
        admin = make_user(employer_id)
        recruiter = make_user(employer_id, UserRole.RECRUITER)
        admin_id = user_named(admin).id  # type: ignore[union-attr]
        sign_in(portal, admin)
        for path, data in (
            (f"/portal/team/users/{admin_id}/role", {"role": "Recruiter"}),
            (f"/portal/team/users/{admin_id}/remove", {}),
        ):
            refused = form_post(portal, "/portal/team", path, data)
            assert refused.status_code == 400 and team.LAST_ADMIN in alert(refused)
        assert role_of(admin) is UserRole.EMPLOYER_ADMIN

        # With a second admin, the first may step down.
        recruiter_id = user_named(recruiter).id  # type: ignore[union-attr]
        promoted = form_post(
            portal,
            "/portal/team",
            f"/portal/team/users/{recruiter_id}/role",
            {"role": "EmployerAdmin"},
        )
        assert promoted.headers["location"] == "/portal/team?done=role-changed"
        demoted = form_post(
            portal, "/portal/team", f"/portal/team/users/{admin_id}/role", {"role": "Recruiter"}
        )
        assert demoted.status_code == 303 and role_of(admin) is UserRole.RECRUITER
        # The change applies to the session at once: no more admin pages.
        assert 'id="invite"' not in team_page(portal)

    def test_removing_a_user_ends_their_sessions_at_once(
        self, portal: Any, make_employer: EmployerFactory
    ) -> None:
        employer_id = make_employer()
        admin = make_user(employer_id)
        leaver = make_user(employer_id, UserRole.RECRUITER)
        sign_in(portal, leaver)
        leaver_cookie = portal.cookies[COOKIE_NAME]
        portal.cookies.clear()
        sign_in(portal, admin)
        leaver_id = user_named(leaver).id  # type: ignore[union-attr]
        confirm_page = portal.get(f"/portal/team/users/{leaver_id}/remove")
        assert confirm_page.status_code == 200 and leaver in confirm_page.text
        removed = portal.post(
            f"/portal/team/users/{leaver_id}/remove",
            data={"csrf_token": csrf_token(confirm_page.text)},
            follow_redirects=False,
        )
        assert removed.headers["location"] == "/portal/team?done=removed"
        assert user_named(leaver) is None
        portal.cookies.clear()
        portal.cookies.set(COOKIE_NAME, leaver_cookie, path="/portal")
        assert portal.get("/portal/keys", follow_redirects=False).headers["location"] == (
            "/portal/sign-in"
        )

    def test_another_employers_users_and_invitations_are_not_found(
        self, portal: Any, mailroom: Mailroom, make_employer: EmployerFactory
    ) -> None:
        other = make_employer()
        other_admin = make_user(other)
        sign_in(portal, other_admin)
        invited = address("theirs")
        invite(portal, invited)
        theirs = user_named(other_admin).id  # type: ignore[union-attr]
        their_invitation = invitation_id(other, invited)
        portal.cookies.clear()
        sign_in(portal, make_user(make_employer()))
        assert portal.get(f"/portal/team/users/{theirs}/remove").status_code == 404
        for path in (
            f"/portal/team/users/{theirs}/role",
            f"/portal/team/users/{theirs}/remove",
            f"/portal/team/invitations/{their_invitation}/resend",
            f"/portal/team/invitations/{their_invitation}/cancel",
        ):
            refused = form_post(portal, "/portal/team", path, {"role": "Recruiter"})
            assert refused.status_code == 404, path
        assert role_of(other_admin) is UserRole.EMPLOYER_ADMIN
        assert count(Invitation, Invitation.id == their_invitation) == 1


# ---------------------------------------------------------------------------------------------
# CSRF and rate limits


def test_every_account_form_needs_its_csrf_token(
    portal: Any, mailroom: Mailroom, make_employer: EmployerFactory
) -> None:
    employer_id = make_employer()
    admin = make_user(employer_id)
    stranger = address("csrf")
    anonymous_posts = {
        "/portal/sign-up": {"company": "X", "name": "Y", "email": stranger, "password": PASSWORD},
        "/portal/password-reset": {"email": admin},
        "/portal/sign-up/verify": {"token": "x"},
        "/portal/password-reset/choose": {"token": "x", "password": PASSWORD},
        "/portal/invitations/accept": {"token": "x", "password": PASSWORD},
    }
    portal.get("/portal/sign-up")  # a session, and so a token, exists: it is just not sent
    for path, data in anonymous_posts.items():
        for token in (None, "another-sessions-token"):
            form = data if token is None else {**data, "csrf_token": token}
            refused = portal.post(path, data=form)
            assert refused.status_code == 403, path
            assert "did not come from the portal" in refused.text
    sign_in(portal, admin)
    admin_id = user_named(admin).id  # type: ignore[union-attr]
    for path, data in (
        ("/portal/team/invitations", {"email": stranger, "role": "Recruiter"}),
        (f"/portal/team/users/{admin_id}/role", {"role": "Recruiter"}),
        (f"/portal/team/users/{admin_id}/remove", {}),
    ):
        assert portal.post(path, data=data).status_code == 403, path
    assert count(SignUpRequest, SignUpRequest.email == stranger) == 0
    assert count(Invitation, Invitation.email == stranger) == 0
    assert role_of(admin) is UserRole.EMPLOYER_ADMIN
    assert mailroom.to(stranger) == [] and mailroom.to(admin) == []


def test_e_mail_requests_are_limited_per_client_address_and_per_address_mailed(
    postgresql_url: str,
    accounts_redis: str,
    tmp_path: Path,
    module_app: PortalApp,
    mailroom: Mailroom,
    make_employer: EmployerFactory,
) -> None:
    # One window (an hour from the first request) for the whole test, whatever the clock.
    employer_id = make_employer()
    registered = make_user(employer_id)
    apps = [
        build_portal_app(
            postgresql_url,
            accounts_redis,
            tmp_path / name,
            f"limited-{name}-{secrets.token_hex(4)}",
            portal_emails_per_hour=2,
            public_base_url=PUBLIC,
        )
        for name in ("one", "two")
    ]
    first = next(apps[0])
    try:
        client = first.client
        # One client address: the third request of the hour is refused, whatever the address
        # asked about and whichever form it came from.
        answers = [
            sign_up(client, address("a")).status_code,
            form_post(
                client, "/portal/password-reset", "/portal/password-reset", {"email": registered}
            ).status_code,
        ]
        refused = sign_up(client, registered)
        assert answers == [200, 200]
        assert refused.status_code == 429 and "Too many requests" in alert(refused)
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600
        assert len(mailroom.to(registered)) == 1  # the reset; not the refused sign-up's note

        # One address mailed, from another client: the two requests about it this hour (the
        # reset, and the refused sign-up) are its limit.
        second = next(apps[1])
        other = second.client
        limited = form_post(
            other, "/portal/password-reset", "/portal/password-reset", {"email": registered}
        )
        assert limited.status_code == 429
        assert len(mailroom.to(registered)) == 1
        # An admin's invitations to one address count too.
        sign_in(other, make_user(employer_id))
        invited = address("inv")
        assert invite(other, invited).status_code == 303
        assert invite(other, invited).status_code == 303
        too_many = invite(other, invited)
        assert too_many.status_code == 429 and "Too many e-mails" in alert(too_many)
        assert len(mailroom.to(invited)) == 2
    finally:
        for app in apps:
            app.close()
        db.use(module_app.database)
