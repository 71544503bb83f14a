"""Credit balances and their append-only ledger.

A balance only ever changes together with a ledger row in the same transaction, so the balance is
always the sum of its ledger. Charging is a single conditional UPDATE: two concurrent requests can
never spend the same credit, on PostgreSQL or SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.errors import InvalidRequest, NoCredits
from storage.models import CreditBalance, CreditKind, CreditLedgerEntry, Employer

# What people call each kind (messages, the portal).
KIND_LABELS = {
    CreditKind.JOB_POSTING: "job posting",
    CreditKind.CV_SEARCH: "CV search",
    CreditKind.CV_DOWNLOAD: "CV download",
}


@dataclass(frozen=True)
class Charge:
    """What a paid operation cost: the kind, and whether a credit was taken (not on a contract)."""

    kind: CreditKind
    charged: bool


def balance(session: Session, employer_id: int, kind: CreditKind) -> int:
    value = session.scalar(
        select(CreditBalance.balance).where(
            CreditBalance.employer_id == employer_id, CreditBalance.kind == kind
        )
    )
    return int(value or 0)


def balances(session: Session, employer_id: int) -> dict[CreditKind, int]:
    rows = session.execute(
        select(CreditBalance.kind, CreditBalance.balance).where(
            CreditBalance.employer_id == employer_id
        )
    )
    found = {kind: int(amount) for kind, amount in rows}
    return {kind: found.get(kind, 0) for kind in CreditKind}


@dataclass(frozen=True)
class LedgerPage:
    total: int
    items: list[CreditLedgerEntry]


def ledger_page(session: Session, employer_id: int, *, page: int, page_size: int) -> LedgerPage:
    """One page of the employer's ledger, newest first."""
    condition = CreditLedgerEntry.employer_id == employer_id
    total = session.scalar(select(func.count()).select_from(CreditLedgerEntry).where(condition))
    items = session.scalars(
        select(CreditLedgerEntry)
        .where(condition)
        # Ids grow with creation time.
        .order_by(CreditLedgerEntry.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return LedgerPage(total=total or 0, items=list(items))


def ledger_total(session: Session, employer_id: int, kind: CreditKind) -> int:
    """The sum of the ledger for one kind (equal to the balance; used by checks and tests)."""
    total = session.scalar(
        select(func.coalesce(func.sum(CreditLedgerEntry.delta), 0)).where(
            CreditLedgerEntry.employer_id == employer_id, CreditLedgerEntry.kind == kind
        )
    )
    return int(total or 0)


def adjust_credits(
    session: Session,
    employer_id: int,
    kind: CreditKind,
    amount: int,
    *,
    reason: str = "top_up",
    reference: str | None = None,
) -> int:
    """Add ``amount`` credits (negative to take some back); returns the new balance."""
    if amount == 0:
        raise InvalidRequest("The amount must not be zero.")
    result = session.execute(
        update(CreditBalance)
        .where(
            CreditBalance.employer_id == employer_id,
            CreditBalance.kind == kind,
            CreditBalance.balance + amount >= 0,
        )
        .values(balance=CreditBalance.balance + amount)
        .returning(CreditBalance.balance)
    ).first()
    if result is None:
        raise InvalidRequest(
            f"Cannot take {-amount} {KIND_LABELS[kind]} credits: the balance is "
            f"{balance(session, employer_id, kind)}."
        )
    session.add(
        CreditLedgerEntry(
            employer_id=employer_id, kind=kind, delta=amount, reason=reason, reference=reference
        )
    )
    return int(result[0])


# ``session.info`` key under which a transaction notes the credits it charged.
CHARGES_KEY = "hirebridge.charges"


def _no_credits(kind: CreditKind) -> NoCredits:
    return NoCredits(f"Your account has no {KIND_LABELS[kind]} credits left.")


def refuse_if_unpaid(session: Session, employer: Employer, kind: CreditKind) -> None:
    """Raise ``NoCredits`` when ``employer`` has nothing to pay one credit of ``kind`` with: a
    read without a lock, before work the charge would pay for (a CV search's matching and
    ranking), so that an employer without credits is refused before it costs anything. The
    charge itself still decides: another request may spend the last credit in between."""
    if not employer.contract_unlimited and balance(session, employer.id, kind) < 1:
        raise _no_credits(kind)


def charge_credit(
    session: Session,
    employer: Employer,
    kind: CreditKind,
    *,
    reason: str,
    reference: str,
) -> Charge:
    """Take one credit of ``kind`` for the operation named by ``reason`` and ``reference``.

    Employers on an unlimited contract are not charged, but the usage is still recorded (a ledger
    row with a zero delta). Raises ``NoCredits`` and changes nothing when the balance is zero.
    """
    if employer.contract_unlimited:
        session.add(
            CreditLedgerEntry(
                employer_id=employer.id, kind=kind, delta=0, reason=reason, reference=reference
            )
        )
        return Charge(kind=kind, charged=False)
    taken = session.execute(
        update(CreditBalance)
        .where(
            CreditBalance.employer_id == employer.id,
            CreditBalance.kind == kind,
            CreditBalance.balance >= 1,
        )
        .values(balance=CreditBalance.balance - 1)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise _no_credits(kind)
    session.add(
        CreditLedgerEntry(
            employer_id=employer.id, kind=kind, delta=-1, reason=reason, reference=reference
        )
    )
    # Counted (hirebridge.metrics) only once the transaction commits.
    session.info.setdefault(CHARGES_KEY, []).append(kind)
    return Charge(kind=kind, charged=True)
