"""Each action through the rasa-sdk executor: its events, what it says, what it stores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from action_calls import call, tracker
from factories import make_conversation, make_creditor, make_debt
from rasa_sdk.executor import ActionExecutor
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    Classification,
    Conversation,
    Escalation,
    OptOut,
    PaymentPlan,
    utcnow,
)


def setup(
    sessions: sessionmaker[Session],
    *,
    verified: bool = True,
    language: str = "fr",
    amount: str = "1480.00",
    **creditor: object,
) -> tuple[str, str]:
    with sessions.begin() as session:
        debt = make_debt(
            session, make_creditor(session, **creditor), amount=amount, language=language
        )
        conversation = make_conversation(session, debt)
        if verified:
            conversation.verified_at = utcnow()
        return conversation.id, debt.invoice_number


def said(result: dict[str, Any]) -> str:
    return "\n".join(r.get("text") or "" for r in result["responses"])


def events(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in result["events"] if e["event"] == kind]


async def answer_identity(
    executor: ActionExecutor, conversation: str, text: str
) -> tuple[object, str]:
    """The debtor answers the verification form: the slot value it sets and what it says."""
    t = tracker(
        conversation,
        text=text,
        intent="inform",
        slots={"identity_answer": text, "requested_slot": "identity_answer"},
    )
    t["active_loop"] = {"name": "verification_form"}
    t["events"].append({"event": "slot", "name": "identity_answer", "value": text})
    result = await executor.run(call("validate_verification_form", t))
    return {e["name"]: e["value"] for e in events(result, "slot")}["identity_answer"], said(result)


async def test_hardship_is_reformulated_with_the_amount_heard_and_recorded_for_training(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions)
    text = "j'ai perdu mon emploi, je peux payer 150 € par mois"
    result = await executor.run(
        call(
            "action_reformulate_hardship",
            tracker(
                conversation,
                text=text,
                intent="hardship",
                language="fr",
                entities=[{"entity": "amount", "value": "150 €"}],
            ),
        )
    )

    assert "la perte de votre emploi" in said(result) and "150,00" in said(result)
    assert [b["payload"] for b in result["responses"][0]["buttons"]] == [
        "/affirm",
        "/deny",
        "/deny",
    ]
    slots = {e["name"]: e["value"] for e in events(result, "slot")}
    assert slots["heard"]["amount"] == "150.00" and slots["heard"]["reason"] == "job_loss"
    with sessions() as session:
        row = session.get(Classification, slots["classification_id"])
        assert row is not None and (row.predicted_intent, row.status) == ("hardship", "pending")


async def test_nothing_about_the_debt_before_identity_is_verified(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, invoice = setup(sessions, verified=False)
    for action in (
        "action_debt_details",
        "action_payment_methods",
        "action_reformulate_dispute",
        "action_propose_plan",
    ):
        result = await executor.run(
            call(action, tracker(conversation, text="combien ?", intent="ask_debt_details"))
        )
        assert invoice not in said(result) and "480" not in said(result)
        assert "vérifier votre identité" in said(result)


async def test_three_wrong_identity_answers_lock_the_debtor(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions, verified=False)
    values = []
    for answer in ("11111", "22222", "33333"):
        value, _ = await answer_identity(executor, conversation, answer)
        values.append(value)
    assert values == [None, None, "locked"]
    value, _ = await answer_identity(executor, conversation, "75011")
    assert value == "locked"


async def test_a_message_without_a_postcode_uses_no_attempt(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions, verified=False)
    for text in ("bonjour", "pourquoi vous voulez ça ?", "bonjour", "bonjour"):
        value, reply = await answer_identity(executor, conversation, text)
        assert value is None and "ne compte pas comme un essai" in reply and "HUMAIN" in reply
    value, reply = await answer_identity(executor, conversation, "11111")
    assert value is None and "Il vous reste 2 essai(s)" in reply
    value, _ = await answer_identity(executor, conversation, "mon code postal c'est le 75011")
    assert value == "verified"


async def test_a_monthly_offer_below_the_minimum_gets_a_counter_offer_inside_policy(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions, amount="100.00", language="en")
    result = await executor.run(
        call(
            "action_propose_plan",
            tracker(
                conversation,
                text="20 euros a month",
                intent="inform",
                language="en",
                slots={"capacity_answer": "20 euros a month"},
            ),
        )
    )

    assert "cannot accept payments below €30.00" in said(result)
    plan_id = {e["name"]: e["value"] for e in events(result, "slot")}["plan_id"]
    with sessions() as session:
        plan = session.get(PaymentPlan, plan_id)
        assert plan is not None and plan.status == "proposed"
        assert [str(i.amount) for i in plan.instalments] == ["33.34", "33.33", "33.33"]


async def test_escalation_pauses_rasa_and_stores_a_summary(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, invoice = setup(sessions)
    result = await executor.run(
        call("action_escalate", tracker(conversation, text="HUMAIN", intent="request_human"))
    )
    assert events(result, "pause")
    assert "une personne de l'équipe" in said(result)
    with sessions() as session:
        escalation = session.scalars(
            select(Escalation).where(Escalation.conversation_id == conversation)
        ).one()
        assert invoice in escalation.summary and escalation.status == "open"


async def test_stop_is_recorded_for_every_channel(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions, verified=False)
    result = await executor.run(
        call("action_opt_out", tracker(conversation, text="STOP", intent="stop_contact"))
    )
    assert "ne recevrez plus" in said(result)
    with sessions() as session:
        opt_out = session.scalars(select(OptOut)).one()
        assert opt_out.channel is None


async def test_unknown_conversation_gets_no_detail(executor: ActionExecutor) -> None:
    result = await executor.run(
        call("action_debt_details", tracker("nobody", text="combien ?", intent="ask_debt_details"))
    )
    assert result["events"] == []
    assert "lien personnel" in said(result)


async def test_a_dispute_above_the_policy_amount_goes_straight_to_a_person(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions, escalate_disputes_above=Decimal("1000.00"))
    text = "je conteste, je n'ai jamais reçu le matériel"
    result = await executor.run(
        call("action_record_dispute", tracker(conversation, text=text, intent="dispute"))
    )
    assert events(result, "pause")
    assert "contestation" in said(result) and "une personne de l'équipe" in said(result)
    with sessions() as session:
        escalation = session.scalars(select(Escalation)).one()
        assert escalation.reason == "dispute_policy"


async def test_a_small_dispute_is_recorded_and_a_person_only_offered(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions, escalate_disputes_above=Decimal("5000.00"))
    text = "je conteste, je n'ai jamais reçu le matériel"
    result = await executor.run(
        call("action_record_dispute", tracker(conversation, text=text, intent="dispute"))
    )
    assert not events(result, "pause")
    with sessions() as session:
        assert session.scalars(select(Escalation)).all() == []


async def test_vulnerability_puts_the_conversation_in_the_queue_without_taking_it_over(
    executor: ActionExecutor, sessions: sessionmaker[Session]
) -> None:
    conversation, _ = setup(sessions)
    text = "je sors de l'hôpital, je n'ai pas la force de gérer ça"
    result = await executor.run(
        call("action_vulnerability", tracker(conversation, text=text, intent="vulnerability"))
    )
    assert not events(result, "pause")  # the bot stays, gently, until a person claims
    with sessions() as session:
        escalation = session.scalars(select(Escalation)).one()
        assert (escalation.reason, escalation.status) == ("vulnerability", "open")
        state = session.get(Conversation, conversation)
        assert state is not None and state.state == "bot"
