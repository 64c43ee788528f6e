"""Offboarding cases: letting a customer go well, one audited step at a time.

proposed (by the assessment or any staff member) -> approved (a manager) -> drafted (the five-step
letter of ``keepwise.offboard``, editable) -> sent (to the outbox; also by SMTP when ``[mail] smtp_host``
is set) -> goodwill_applied -> closed; or withdrawn with a reason at any point before sending. Each
function moves a case one step from the statuses it names, refuses any other move (``Invalid``), and
writes the audit log in the same transaction. Closing a case sets the customer's
``marketing_opt_in`` to false: no marketing touch reaches a customer who has been let go.

Goodwill is authorised against the acting role's cap (``keepwise.offboard.authorise``): an agent's
gesture above their cap is refused with the message saying whose approval it needs, and the refusal
is logged (committed on its own, since the refused change itself is rolled back); a manager setting
the same amount is the approval.
"""

from __future__ import annotations

import smtplib
from datetime import date
from email.message import EmailMessage

import sqlalchemy as sa
from sqlalchemy.orm import Session

from keepwise.config import MailSettings, Settings
from keepwise.data.loader import load
from keepwise.offboard import GoodwillRefused, authorise, letter_facts, render_letter
from keepwise.store.contract import CONTRACT_TABLES
from keepwise.store.models import Decision
from keepwise.store.offboarding_models import OffboardingCase, OutboxMessage
from keepwise.store.permissions import Permission
from keepwise.store.services.base import Actor, Invalid, NotFound, audit, mutation, now
from keepwise.store.services.casework import new_id
from keepwise.store.services.customers import get_customer
from keepwise.store.services.runs import latest_run

__all__ = [
    "OPEN_STATUSES",
    "apply_goodwill",
    "approve",
    "close",
    "draft_letter",
    "edit_letter",
    "get_case",
    "list_cases",
    "propose",
    "send",
    "set_goodwill",
    "withdraw",
]

OPEN_STATUSES = ("proposed", "approved", "drafted", "sent", "goodwill_applied")
MAX_TEXT = 20000


def _state(case: OffboardingCase) -> dict:
    return {"status": case.status, "goodwill_amount": case.goodwill_amount, "goodwill_kind": case.goodwill_kind}


def get_case(session: Session, case_id: int) -> OffboardingCase:
    case = session.get(OffboardingCase, case_id)
    if case is None:
        raise NotFound("error.no_case", case_id=case_id)
    return case


def list_cases(session: Session, status: str = "") -> list[OffboardingCase]:
    query = sa.select(OffboardingCase).order_by(OffboardingCase.id.desc())
    if status:
        query = query.where(OffboardingCase.status == status)
    return list(session.scalars(query))


def _move(case: OffboardingCase, allowed_from: tuple[str, ...], to: str) -> None:
    if case.status not in allowed_from:
        raise Invalid("error.case_move", "status", case_id=case.id, status=case.status, to=to,
                      allowed=" / ".join(allowed_from))
    case.status = to


@mutation(Permission.PROPOSE_OFFBOARDING)
def propose(session: Session, actor: Actor, customer_id: str, reason: str = "") -> OffboardingCase:
    get_customer(session, customer_id)
    open_case = session.scalar(
        sa.select(OffboardingCase).where(
            OffboardingCase.customer_id == customer_id, OffboardingCase.status.in_(OPEN_STATUSES)
        )
    )
    if open_case is not None:
        raise Invalid("error.case_open", "customer_id", customer_id=customer_id, case_id=open_case.id)
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise Invalid("error.too_long", "reason", field="reason", limit=MAX_TEXT)
    case = OffboardingCase(customer_id=customer_id, status="proposed", reason=reason, proposed_by=actor.user_id,
                           proposed_at=now())
    session.add(case)
    session.flush()
    audit(session, actor, "offboarding.propose", "offboarding_case", case.id, None,
          {"customer_id": customer_id, "reason": reason})
    return case


@mutation(Permission.APPROVE_OFFBOARDING)
def approve(session: Session, actor: Actor, case_id: int) -> OffboardingCase:
    case = get_case(session, case_id)
    before = _state(case)
    _move(case, ("proposed",), "approved")
    case.approved_by, case.approved_at = actor.user_id, now()
    audit(session, actor, "offboarding.approve", "offboarding_case", case.id, before, _state(case))
    return case


def _log_refusal(session: Session, actor: Actor, case: OffboardingCase, amount: float,
                 refused: GoodwillRefused) -> None:
    """The refused gesture in the audit log, committed on its own (the refused change is rolled back); why, as
    the message's key and facts (the audit page phrases them in its reader's language)."""
    session.rollback()
    audit(session, actor, "offboarding.goodwill_refused", "offboarding_case", case.id, _state(case),
          {"amount": amount, "role": actor.role, "refused": refused.facts()})
    session.commit()


@mutation(Permission.WORK_OFFBOARDING)
def set_goodwill(session: Session, actor: Actor, case_id: int, amount: float, settings: Settings) -> OffboardingCase:
    """A goodwill credit of ``amount`` for an approved case, before its letter is drafted."""
    case = get_case(session, case_id)
    if case.status != "approved":
        raise Invalid("error.goodwill_status", "status", case_id=case.id, status=case.status)
    try:
        authorise(amount, actor.role, settings)
    except GoodwillRefused as refused:
        _log_refusal(session, actor, case, amount, refused)
        raise Invalid(refused.key, "amount", **refused.values) from None
    before = _state(case)
    case.goodwill_kind, case.goodwill_amount, case.goodwill_by = "credit", round(float(amount), 2), actor.user_id
    audit(session, actor, "offboarding.goodwill", "offboarding_case", case.id, before, _state(case))
    return case


@mutation(Permission.WORK_OFFBOARDING)
def draft_letter(session: Session, actor: Actor, case_id: int, source: str, settings: Settings,
                 lang: str | None = None, as_of: date | None = None) -> OffboardingCase:
    """The five-step letter from the customer's records in the store (``source``), as of the latest run."""
    case = get_case(session, case_id)
    before = _state(case)
    _move(case, ("approved", "drafted"), "drafted")
    run = latest_run(session)
    day = as_of or (run.as_of if run else now().date())
    decision = session.get(Decision, (run.id, case.customer_id)) if run else None
    assessed = {"action": decision.action if decision else "", "flags": decision.flags if decision else "",
                "cost_to_serve": (decision.cost_to_serve or 0.0) if decision else 0.0}
    dataset = load(source, as_of=day, settings=settings)
    gesture_amount = case.goodwill_amount if case.goodwill_kind == "credit" else None
    try:
        facts = letter_facts(dataset, case.customer_id, day, assessed, role=actor.role, goodwill_amount=gesture_amount)
    except GoodwillRefused as refused:  # a credit set by a manager, redrafted by an agent: the manager's stands
        if gesture_amount is None:
            raise Invalid(refused.key, "amount", **refused.values) from None
        facts = letter_facts(dataset, case.customer_id, day, assessed, role="admin", goodwill_amount=gesture_amount)
    letter = render_letter(facts, lang=lang, fmt="md")
    first, _, rest = letter.text.partition("\n")
    case.letter_subject = first.removeprefix("# ").strip()
    case.letter_body = rest.strip() + "\n"
    case.letter_lang = letter.lang
    if case.goodwill_kind != "credit":
        gesture = facts.goodwill.gesture
        case.goodwill_kind = gesture.kind if gesture else None
        case.goodwill_amount = gesture.amount if gesture else None
    case.drafted_by, case.drafted_at = actor.user_id, now()
    audit(session, actor, "offboarding.draft", "offboarding_case", case.id, before,
          {**_state(case), "lang": letter.lang, "subject": case.letter_subject})
    return case


@mutation(Permission.WORK_OFFBOARDING)
def edit_letter(session: Session, actor: Actor, case_id: int, subject: str, body: str) -> OffboardingCase:
    case = get_case(session, case_id)
    if case.status != "drafted":
        raise Invalid("error.letter_status", "status", case_id=case.id, status=case.status)
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise Invalid("error.letter_empty", "body")
    if len(body) > MAX_TEXT or len(subject) > 500:
        raise Invalid("error.too_long", "body", field="body", limit=MAX_TEXT)
    before = {"subject": case.letter_subject, "body": case.letter_body}
    case.letter_subject, case.letter_body = subject, body + "\n"
    audit(session, actor, "offboarding.edit", "offboarding_case", case.id, before,
          {"subject": subject, "body": case.letter_body})
    return case


def _deliver(message: OutboxMessage, mail: MailSettings) -> None:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = mail.sender, message.recipient, message.subject
    email.set_content(message.body)
    with smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=mail.timeout_seconds) as smtp:
        smtp.send_message(email)


@mutation(Permission.WORK_OFFBOARDING)
def send(session: Session, actor: Actor, case_id: int, mail: MailSettings) -> OutboxMessage:
    """Send the drafted letter of an approved case: into the outbox, and by SMTP when configured."""
    case = get_case(session, case_id)
    before = _state(case)
    _move(case, ("drafted",), "sent")
    customer = get_customer(session, case.customer_id)
    recipient = (customer.get("email") or "").strip()
    if not recipient:
        raise Invalid("error.no_email", "email", customer_id=case.customer_id)
    at = now()
    message = OutboxMessage(case_id=case.id, customer_id=case.customer_id, recipient=recipient,
                            subject=case.letter_subject, body=case.letter_body, created_at=at,
                            transport="smtp" if mail.smtp_host else "outbox")
    session.add(message)
    session.flush()
    if mail.smtp_host:
        try:
            _deliver(message, mail)
        except (OSError, smtplib.SMTPException) as error:
            raise Invalid("error.mail_refused", "mail", server=f"{mail.smtp_host}:{mail.smtp_port}",
                          error=str(error)) from None
        message.delivered_at = now()
    touches = CONTRACT_TABLES["touches"]
    session.execute(touches.insert().values(touch_id=new_id("K"), customer_id=case.customer_id, at=at,
                                            kind="offboarding_letter", channel="email", campaign_id=None,
                                            control=False, cost=0.0))
    case.sent_by, case.sent_at = actor.user_id, at
    audit(session, actor, "offboarding.send", "offboarding_case", case.id, before,
          {**_state(case), "outbox_id": message.id, "transport": message.transport, "recipient": recipient})
    return message


@mutation(Permission.WORK_OFFBOARDING)
def apply_goodwill(session: Session, actor: Actor, case_id: int) -> OffboardingCase:
    case = get_case(session, case_id)
    if case.goodwill_amount is None:
        raise Invalid("error.no_goodwill", "status", case_id=case.id)
    before = _state(case)
    _move(case, ("sent",), "goodwill_applied")
    case.goodwill_applied_at = now()
    audit(session, actor, "offboarding.goodwill_applied", "offboarding_case", case.id, before, _state(case))
    return case


@mutation(Permission.WORK_OFFBOARDING)
def close(session: Session, actor: Actor, case_id: int) -> OffboardingCase:
    """Close a sent case (its goodwill applied, if it has one); the customer gets no marketing from now on."""
    case = get_case(session, case_id)
    before = _state(case)
    _move(case, ("goodwill_applied",) if case.goodwill_amount is not None else ("sent", "goodwill_applied"), "closed")
    case.closed_at = now()
    customers = CONTRACT_TABLES["customers"]
    opted_in = get_customer(session, case.customer_id).get("marketing_opt_in")
    session.execute(customers.update().where(customers.c.customer_id == case.customer_id)
                    .values(marketing_opt_in=False))
    audit(session, actor, "offboarding.close", "offboarding_case", case.id, before, _state(case))
    audit(session, actor, "customer.marketing_opt_out", "customer", case.customer_id,
          {"marketing_opt_in": opted_in}, {"marketing_opt_in": False, "offboarding_case": case.id})
    return case


@mutation(Permission.WORK_OFFBOARDING)
def withdraw(session: Session, actor: Actor, case_id: int, reason: str) -> OffboardingCase:
    case = get_case(session, case_id)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("error.withdraw_reason", "reason")
    if len(reason) > MAX_TEXT:
        raise Invalid("error.too_long", "reason", field="reason", limit=MAX_TEXT)
    before = _state(case)
    _move(case, ("proposed", "approved", "drafted"), "withdrawn")
    case.withdrawn_at, case.withdrawn_reason = now(), reason
    audit(session, actor, "offboarding.withdraw", "offboarding_case", case.id, before,
          {**_state(case), "reason": reason})
    return case
