"""The customers table: names and e-mail addresses per language, countries, referrals, consent, tags."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from keepwise.sample.arrays import bool_array, draw_codes, labels_from_codes
from keepwise.sample.business import Business
from keepwise.sample.types import PARAMS
from keepwise.sample.vocabulary import (
    COUNTRIES,
    EMAIL_DOMAINS,
    FEMININE_FIRST_NAMES,
    FIRST_NAMES,
    LANGUAGE_WEIGHTS,
    LAST_NAMES,
    Vocabulary,
)
from keepwise.text import LANGUAGES


def _split_names(names: str) -> tuple[list[str], list[str]]:
    """'Müller=mueller de_Vries=devries Smith' -> (as written, latin spelling for e-mail addresses)."""
    written, latin = [], []
    for token in names.split():
        shown, _, spelled = token.partition("=")
        written.append(shown.replace("_", " "))
        latin.append((spelled or shown).lower())
    return written, latin


def _name_codes(rng: np.random.Generator, language_code: np.ndarray, names: dict[str, str]):
    """A random name per customer from their language's list: (codes, written list, latin list)."""
    written, latin, codes = [], [], np.empty(len(language_code), dtype=np.int64)
    for code, language in enumerate(LANGUAGES):
        shown, spelled = _split_names(names[language])
        rows = np.flatnonzero(language_code == code)
        codes[rows] = len(written) + rng.integers(0, len(shown), len(rows))
        written += shown
        latin += spelled
    return codes, written, latin


def _agreeing_family_names(language_code: np.ndarray, first: np.ndarray, first_written: list[str],
                           last: np.ndarray, last_written: list[str], last_latin: list[str]):
    """Each customer's family name in the form their given name asks for (``FEMININE_FIRST_NAMES``): the codes,
    written and latin lists of ``_name_codes`` with the feminine forms added. No random draw: the other
    columns of the sample are the same whatever the names' forms."""
    codes, written, latin = last.copy(), list(last_written), list(last_latin)
    for language, (names, ending) in FEMININE_FIRST_NAMES.items():
        shown, _, spelled = ending.partition("=")
        feminine = [code for code, name in enumerate(first_written) if name in names.split()]
        rows = np.flatnonzero((language_code == LANGUAGES.index(language)) & np.isin(first, feminine))
        codes[rows] += len(written)  # the feminine form of every family name, added after the others
        written += [name + shown for name in last_written]
        latin += [name + (spelled or shown) for name in last_latin]
    return codes, written, latin


def customers_table(
    biz: Business, tagged_values_conflict: np.ndarray, rng: np.random.Generator
) -> tuple[pa.Table, np.ndarray]:
    """The customers table, and which customers subscribed to the newsletter."""
    n, code = biz.n, biz.type_code
    language = draw_codes(rng, n, LANGUAGE_WEIGHTS)
    first, first_written, first_latin = _name_codes(rng, language, FIRST_NAMES)
    last, last_written, last_latin = _agreeing_family_names(language, first, first_written,
                                                            *_name_codes(rng, language, LAST_NAMES))
    name = pc.binary_join_element_wise(
        labels_from_codes(first_written, first), labels_from_codes(last_written, last), " "
    )
    number = pc.cast(pa.array(np.arange(1, n + 1)), pa.string())
    domain = labels_from_codes(EMAIL_DOMAINS, rng.integers(0, len(EMAIL_DOMAINS), n))
    email = pc.binary_join_element_wise(
        labels_from_codes(first_latin, first),
        ".",
        labels_from_codes(last_latin, last),
        number,
        "@",
        domain,
        "",
    )
    email = pc.if_else(pa.array(rng.random(n) < 0.02), pa.scalar(None, pa.string()), email)
    countries = Vocabulary({language: COUNTRIES[language][0] for language in LANGUAGES})
    country_code = np.empty(n, dtype=np.int64)
    for index, language_name in enumerate(LANGUAGES):
        rows = np.flatnonzero(language == index)
        options_weights = COUNTRIES[language_name][1]
        country_code[rows] = countries.start[language_name] + draw_codes(rng, len(rows), options_weights)

    # Referrals: a referrer signed up on an earlier day; loyal customers are named far more often.
    weight = PARAMS.value("referral_weight", code).astype(float)
    cumulative = np.cumsum(weight)
    earlier = np.searchsorted(biz.signup_day, biz.signup_day, side="left")  # customers before that day
    referred = (rng.random(n) < 0.18) & (earlier > 0)
    draw = rng.random(n) * np.where(earlier > 0, cumulative[np.maximum(earlier - 1, 0)], 0.0)
    referrer = np.minimum(np.searchsorted(cumulative, draw, side="right"), np.maximum(earlier - 1, 0))

    opt_draw = rng.random(n)
    marketing_opt_in = opt_draw < 0.85
    opt_in_missing = opt_draw > 0.97
    subscribed = marketing_opt_in & ~opt_in_missing & (rng.random(n) < 0.75)

    vip = rng.random(n) < PARAMS.value("vip_tag", code)
    tag_code = np.where(vip, 0, -1) + np.where(tagged_values_conflict, 2, 0)  # -1: no tags
    table = pa.table(
        {
            "customer_id": biz.customer_ids,
            "name": name,
            "email": email,
            "language": labels_from_codes(LANGUAGES, language),
            "country": countries.labels(country_code),
            "signed_up_at": pa.array(biz.origin.astype("datetime64[D]") + biz.signup_day, pa.date32()),
            "referred_by": biz.customer_column(referrer, ~referred),
            "marketing_opt_in": bool_array(marketing_opt_in, opt_in_missing),
            "tags": labels_from_codes(("vip", "values_conflict", "vip;values_conflict"), tag_code),
        }
    )
    return table, subscribed
