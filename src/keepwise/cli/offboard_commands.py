"""Commands for the customers to let go or to make profitable: letter, proposals, policies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keepwise.cli.common import (
    EXIT_BAD_INPUT,
    AsOfOpt,
    ConfigOpt,
    DataArg,
    LangOpt,
    app,
    load_as_of,
    no_customer,
    require_choice,
    require_language,
    run_or_exit,
    say,
    show,
    tell,
    translator_for,
)


def _assessment(dataset, day):
    """Every customer's action, for commands that read no customer's reasons or evidence (not written)."""
    from keepwise.assess import assess_with_models

    run = run_or_exit(lambda: assess_with_models(dataset, day, texts_for=()))
    return run.assessment, run.features


@app.command()
def letter(
    data: DataArg,
    customer_id: Annotated[str, typer.Argument(help="The customer the letter is for.")],
    as_of: AsOfOpt,
    lang: Annotated[
        str | None, typer.Option("--lang", help="en, fa or ru (default: the customer's language).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    role: Annotated[
        str, typer.Option("--role", help="Who drafts it: agent, manager or admin (goodwill cap).")
    ] = ("agent"),
    goodwill: Annotated[
        float | None,
        typer.Option("--goodwill", help="A goodwill credit of this amount instead of the computed gesture."),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """The draft offboarding letter for one customer: thanks, the documented situations, goodwill, apology, alternatives."""
    from keepwise.offboard import (
        FORMATS,
        ROLES,
        GoodwillRefused,
        authorise,
        customer_exists,
        letter_facts,
        render_letter,
    )

    require_choice(fmt, "--format", FORMATS)
    require_choice(role, "--role", ROLES)
    day, dataset = load_as_of(data, as_of, config)
    if goodwill is not None:
        try:
            authorise(goodwill, role, dataset.settings)
        except GoodwillRefused as error:
            say(f"--goodwill: {error}")
            raise typer.Exit(EXIT_BAD_INPUT) from None
    if not customer_exists(dataset, customer_id):
        raise no_customer(customer_id, data, day)
    assessment, _ = _assessment(dataset, day)
    assessed = assessment.loc[assessment["customer_id"] == customer_id].iloc[0].to_dict()
    facts = letter_facts(dataset, customer_id, day, assessed, role=role, goodwill_amount=goodwill)
    drafted = render_letter(facts, lang=lang, fmt=fmt)
    if drafted.fell_back:
        say(f"no letter template in '{drafted.requested}': the letter is in English", "yellow", label="note")
    if facts.action != "offboard":
        say(
            f"customer '{customer_id}' is assessed '{facts.action}', not 'offboard': this letter is a draft on request",
            "yellow",
            label="note",
        )
    above = facts.goodwill.above_cap
    if above is not None:
        from keepwise.offboard.goodwill import approver_for

        currency = dataset.settings.general.currency
        approver = approver_for(above.amount, dataset.settings) or "role with a higher cap"
        say(
            f"the preferred gesture ({above.kind}, {above.amount:,.2f} {currency}) is above the {role}'s cap of "
            f"{facts.goodwill.cap:,.2f} {currency}: it needs a {approver}'s approval; "
            + ("the letter offers a smaller one" if facts.goodwill.gesture else "the letter offers none"),
            "yellow",
            label="note",
        )
    print(drafted.text, end="")


@app.command()
def proposals(
    data: DataArg,
    as_of: AsOfOpt,
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    customer: Annotated[
        list[str] | None,
        typer.Option(
            "--customer", help="Propose for this customer (repeatable) instead of every make_profitable one."
        ),
    ] = None,
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Make-profitable proposals per customer (reprice, charge separately, lighter service, stop marketing), each with its yearly profit effect."""
    from keepwise.offboard import customer_exists, portfolio_what_if
    from keepwise.offboard import proposals as build_proposals
    from keepwise.offboard.window import window_economics
    from keepwise.offboard.wording import what_if_rows, what_if_takeaway
    from keepwise.output import write_frame
    from keepwise.text.terminal import rows_table

    require_language(lang)
    day, dataset = load_as_of(data, as_of, config)
    t = translator_for(lang, dataset.settings)
    for wanted in customer or []:
        if not customer_exists(dataset, wanted):
            raise no_customer(wanted, data, day, "--customer")
    assessment, features = _assessment(dataset, day)
    # The window's economics once, for the proposals and the whole business's what-if alike.
    flows = run_or_exit(lambda: window_economics(dataset, day, features))
    table = run_or_exit(lambda: build_proposals(dataset, day, assessment, customer or None, features, flows))
    write_frame(table, out, "csv")
    what_if = portfolio_what_if(dataset, day, assessment, features, flows)
    title = t("proposals.written", customers=t.number(table["customer_id"].nunique()), n=t.number(len(table)),
              out=str(out))
    show(rows_table(title, [t("col.figure"), t("col.value")], what_if_rows(what_if, t), {1}, show_edge=False))
    tell(what_if_takeaway(what_if, t))


@app.command()
def policies(
    data: DataArg,
    as_of: AsOfOpt,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    lang: LangOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Generous policies: yearly cost, share used by the top 1/5/10% of users, and what tightening each would do."""
    import json

    from keepwise.offboard import policy_review
    from keepwise.offboard.wording import POLICY_FIGURE_COLUMNS, policy_headers, policy_rows
    from keepwise.text.terminal import rows_table

    require_language(lang)
    day, dataset = load_as_of(data, as_of, config)
    t = translator_for(lang, dataset.settings)
    assessment, features = _assessment(dataset, day)
    reviews = run_or_exit(lambda: policy_review(dataset, day, assessment, features))
    if as_json:
        print(json.dumps([review.to_dict() for review in reviews], ensure_ascii=False, indent=2))
        return
    show(rows_table(t("policies.title", day=t.date(day)), policy_headers(t), policy_rows(reviews, dataset.settings, t),
                    POLICY_FIGURE_COLUMNS, caption=t("note.policies"), show_edge=False))
