"""Settings: typed, one model per ``keepwise.toml`` section, validated once at load.

The packaged ``keepwise.toml`` is both the defaults and their documentation: every field below gets
its value from there, so a key cannot be missing from it. A user file overrides individual keys; it
cannot invent keys or change a type, so a typo is an error naming the file and key, not a silent
no-op. Code reads ``settings.costs.change_request``: a misspelt name is an attribute error that type
checkers and editors see, not a lookup that fails only when its line runs.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

USER_CONFIG_NAME = "keepwise.toml"


# Vocabularies the settings name. Flags that are problems with the relationship (they weigh towards
# offboarding, [actions.weights]); the other flags only describe limited upside.
# The ticket severities of the contract (keepwise.data.schema.TICKET_SEVERITIES, the same values).
TicketSeverity = Literal["low", "normal", "high", "urgent"]

ProblemFlag = Literal[
    "chronic_complainer",
    "abusive_to_staff",
    "fraud_or_unethical",
    "bad_payer",
    "unprofitable",
    "return_abuser",
    "deal_seeker",
    "fickle",
    "values_conflict",
]
FlagCode = Literal[ProblemFlag, "no_growth_potential", "no_referrals"]
Action = Literal[
    "nurture", "grow", "keep", "retain", "win_back", "fix_service", "make_profitable", "deprioritize", "offboard"
]


class ConfigError(ValueError):
    """A settings file that cannot be used; the message names the file and key."""


class _Section(BaseModel):
    """One section: unknown keys and wrong types are refused; values cannot change after load."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


class GeneralSettings(_Section):
    """[general]"""

    currency: str
    locale: str


class ValidationSettings(_Section):
    """[validation]"""

    max_problems: int
    partitioned_reference_probe: bool
    block_allocator_memory: str


class CostsSettings(_Section):
    """[costs]"""

    staff_minute: float
    return_processing: float
    change_request: float
    late_payment_yearly_rate: float
    cost_of_goods_share: float


class FeaturesSettings(_Section):
    """[features]"""

    deep_discount_share: float
    trend_period_days: int
    recent_days: int


class ChurnSettings(_Section):
    """[churn]"""

    lost_after_days: int
    p_alive_threshold: float


class RfmSettings(_Section):
    """[rfm]"""

    monetary: Literal["revenue", "gross_margin", "profit"]


class FlagsSettings(_Section):
    """[flags]"""

    chronic_min_unfounded: int
    chronic_min_unfounded_share: float
    abuse_min_incidents: int
    fraud_min_incidents: int
    policy_abuse_min_incidents: int
    bad_payer_min_late: int
    bad_payer_min_late_share: float
    unprofitable_min_loss: float
    return_abuser_min_share: float
    return_abuser_min_returns: int
    deal_seeker_min_share: float
    deal_seeker_min_orders: int
    fickle_min_share: float
    fickle_min_orders: int
    no_growth_max_quantile: float
    no_referrals_min_tenure_days: int
    service_min_substantiated: int
    service_min_late: int
    service_min_defective_returns: int
    exit_claim_window_days: int = Field(ge=0)
    test_level: float
    chronic_min_staff_cost_share: float
    stale_after_days: int
    change_min_exposure_days: int
    never_forgiven_min_fraud: int


class LifecycleSettings(_Section):
    """[lifecycle]"""

    slipping_gap_ratio: float
    lapsed_gap_ratio: float
    min_days_quiet: int
    prior_gap_weight: float
    default_gap_days: float
    p_alive_midpoint_ratio: float
    p_alive_steepness: float
    slipping_p_alive: float
    lapsed_p_alive: float


# The transaction models ([clv] transaction_model, `keepwise clv fit --model`): BG/NBD, MBG/NBD, Pareto/NBD.
TransactionModel = Literal["bgnbd", "mbgnbd", "pareto-nbd"]


class ClvSettings(_Section):
    """[clv]"""

    horizon_days: int
    min_active_days: int
    min_tenure_days: int
    transaction_model: Literal["auto", TransactionModel]
    transaction_candidates: list[TransactionModel]
    holdout_days: int
    time_unit: Literal["day", "week"]
    discount_rate_yearly: float
    churn_source: Literal["auto", "bgnbd"]
    backtest_cutoffs: int


class ActionsSettings(_Section):
    """[actions]"""

    weights: dict[ProblemFlag, float]
    offboard_min_score: float
    minor_cost_share: float
    not_repriceable: list[ProblemFlag]
    valuable_quantile: float
    nurture_quantile: float
    nurture_min_purchase_days: int
    min_p_alive_for_value: float
    priority_order: list[Action]

    @field_validator("weights")
    @classmethod
    def _every_problem_weighed(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = [code for code in get_args(ProblemFlag) if code not in weights]
        if missing:
            raise ValueError(f"[actions.weights] has no weight for {', '.join(missing)}")
        return weights

    @field_validator("priority_order")
    @classmethod
    def _every_action_ordered(cls, order: list[str]) -> list[str]:
        if sorted(order) != sorted(get_args(Action)):
            raise ValueError(f"must list each action once: {', '.join(get_args(Action))}")
        return order


class ChurnModelSettings(_Section):
    """[churn_model]"""

    period_days: int
    n_training_cutoffs: int
    min_labelled_rows: int
    min_class_rows: int
    calibration: Literal["sigmoid", "isotonic"]
    max_trees: int
    early_stopping_rounds: int
    learning_rate: float
    num_leaves: int
    max_rows_per_fit: int
    max_customers_per_fit: int
    min_data_in_leaf: int
    max_bin: int
    feature_fraction: float
    lambda_l2: float
    n_jobs: int = Field(ge=0)  # 0: the cores shared among [engine] classifier_fit_workers
    seed: int
    top_reasons: int
    blend_min_brier_gain: float


class ReportSettings(_Section):
    """[report]"""

    top_customers: int
    urgent_customers: int
    explain_events: int = Field(ge=0)  # 0: all
    growth_years: int
    retention_uplift_points: float
    churn_classifier: bool


class GoodwillSettings(_Section):
    """[goodwill]"""

    cap_agent: float
    cap_manager: float
    cap_admin: float
    preference: list[Literal["cancel_open_invoice", "refund_last_invoice", "refund_last_order"]]


class OffboardSettings(_Section):
    """[offboard]"""

    window_days: int
    alternatives: list[str]
    alternatives_by_country: dict[str, list[str]]
    sender_name: str
    max_dates_cited: int


class ProposalsSettings(_Section):
    """[proposals]"""

    support_minutes_norm: float
    lighter_service_minutes_cut: float


class PoliciesSettings(_Section):
    """[policies]"""

    top_shares: list[float]
    restocking_fee: float
    restocking_free_returns: int
    change_request_fee: float
    prepayment_after_late_invoices: int
    max_discount_share: float


# The vocabularies a timetable rule may name. Their homes are keepwise.data.schema (TOUCH_KINDS,
# TOUCH_CHANNELS); settings load before it, so they are
# repeated here as types, and tests/cadence/test_settings.py checks that the copies are equal.
TouchKindName = Literal[
    "thank_you", "follow_up", "offer", "gift", "anniversary", "newsletter", "call", "retention_offer",
    "win_back_offer", "offboarding_letter", "other",
]
TouchChannelName = Literal["email", "phone", "mail", "sms", "in_person", "social"]
# When a rule's touch falls due (keepwise.cadence.rules explains each).
RuleTrigger = Literal["first_purchase", "delivery", "gap", "anniversary", "monthly", "every", "now"]


class LoyaltyTier(_Section):
    """One [[loyalty.tiers]] entry: the thresholds a customer must meet, both of them."""

    name: str
    min_revenue: float
    min_tenure_days: int


class LoyaltySettings(_Section):
    """[loyalty]"""

    tiers: list[LoyaltyTier]

    @model_validator(mode="after")
    def _ordered(self) -> LoyaltySettings:
        names = [tier.name for tier in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError(f"tier names must be unique, got {names}")
        for lower, higher in zip(self.tiers, self.tiers[1:], strict=False):
            if higher.min_revenue < lower.min_revenue or higher.min_tenure_days < lower.min_tenure_days:
                raise ValueError(f"tiers go from lowest to highest: '{higher.name}' asks less than '{lower.name}'")
        return self


class TouchRule(_Section):
    """One [[cadence.rules]] entry: a recurring touch."""

    name: str
    when: RuleTrigger
    days: int
    kind: TouchKindName
    channel: TouchChannelName
    template: str
    actions: list[Action] = []
    tiers: list[str] = []


class CadenceSettings(_Section):
    """[cadence]"""

    max_touches_per_30_days: int
    quiet_days_after_complaint: int
    quiet_days_after_offboarding: int
    gap_ratio: float
    anniversary_window_days: int
    warning_days: int
    silence_gap_ratio: float
    valuable_clv_quantile: float
    warning_channel: TouchChannelName
    rules: list[TouchRule]

    @model_validator(mode="after")
    def _unique_names(self) -> CadenceSettings:
        names = [rule.name for rule in self.rules]
        if len(set(names)) != len(names):
            raise ValueError(f"rule names must be unique, got {names}")
        return self


class CampaignsSettings(_Section):
    """[campaigns]"""

    holdout_share: float
    seed: int
    offer_share_of_basket: float
    min_offer: float
    max_offer: float
    deal_seeker_offer_bonus: float
    contact_cost: float
    churn_period: Literal["month", "quarter", "year"]
    report_window_days: int
    exit_finding_min_answers: int = Field(ge=1)


class ServiceTargetsSettings(_Section):
    """[service_targets]: hours to first response and to resolution, per ticket severity."""

    response_hours: dict[TicketSeverity, float]
    resolution_hours: dict[TicketSeverity, float]

    @field_validator("response_hours", "resolution_hours")
    @classmethod
    def _every_severity_targeted(cls, hours: dict[str, float], info) -> dict[str, float]:
        missing = [severity for severity in get_args(TicketSeverity) if severity not in hours]
        if missing:
            raise ValueError(f"[service_targets.{info.field_name}] has no target for {', '.join(missing)}")
        return hours


class AppSettings(_Section):
    """[app]: the staff web app."""

    login_max_failures: int
    lockout_minutes: int
    session_hours: int
    page_size: int
    max_page_size: int
    workers: int  # uvicorn worker processes of `keepwise serve` (--workers overrides)

    @field_validator("workers")
    @classmethod
    def _at_least_one_worker(cls, value: int) -> int:
        if value < 1:
            raise ValueError("workers must be at least 1")
        return value


class MailSettings(_Section):
    """[mail]"""

    smtp_host: str
    smtp_port: int
    sender: str
    timeout_seconds: float


class EngineSettings(_Section):
    """[engine]"""

    name: Literal["duckdb", "spark"]
    spark_master: str
    spark_driver_memory: str
    spark_shuffle_partitions: int
    spark_staging_dir: str
    score_batch_rows: int
    score_threads: int = Field(ge=1)
    text_threads: int = Field(ge=0)  # 0: the cores the process may use
    overlap_models: bool
    judge_during_models: bool
    stages_beside: bool
    classifier_fit_workers: int = Field(ge=0)  # 0: each fit in turn
    duckdb_allocator_background_threads: bool
    numpy_huge_pages: bool
    arrow_memory_pool: Literal["jemalloc", "mimalloc", "system"]
    copy_customers: bool


class Settings(BaseModel):
    """All sections, validated once at load: ``settings.costs.change_request`` and so on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    general: GeneralSettings
    validation: ValidationSettings
    costs: CostsSettings
    features: FeaturesSettings
    churn: ChurnSettings
    rfm: RfmSettings
    flags: FlagsSettings
    lifecycle: LifecycleSettings
    clv: ClvSettings
    actions: ActionsSettings
    churn_model: ChurnModelSettings
    report: ReportSettings
    goodwill: GoodwillSettings
    offboard: OffboardSettings
    proposals: ProposalsSettings
    policies: PoliciesSettings
    service_targets: ServiceTargetsSettings
    app: AppSettings
    mail: MailSettings
    loyalty: LoyaltySettings
    cadence: CadenceSettings
    campaigns: CampaignsSettings
    engine: EngineSettings

    @model_validator(mode="after")
    def _rule_tiers_known(self) -> Settings:
        known = [tier.name for tier in self.loyalty.tiers]
        for number, rule in enumerate(self.cadence.rules):
            unknown = [tier for tier in rule.tiers if tier not in known]
            if unknown:
                raise ValueError(
                    f"[cadence] rules.{number} ('{rule.name}') names unknown tier(s) {', '.join(unknown)} "
                    f"(tiers in [loyalty]: {', '.join(known)})"
                )
        return self

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return self.model_dump()


def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("keepwise").joinpath("keepwise.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def merge(base: dict[str, dict[str, Any]], override: dict[str, Any], origin: str) -> dict[str, dict[str, Any]]:
    """Overlay ``override`` on ``base``, refusing unknown sections and keys (types are checked by the models)."""
    merged = {name: dict(section) for name, section in base.items()}
    for name, section in override.items():
        if name not in merged or not isinstance(section, dict):
            known = ", ".join(sorted(merged))
            raise ConfigError(f"{origin}: unknown section [{name}] (known: {known})")
        for key, value in section.items():
            if key not in merged[name]:
                known = ", ".join(sorted(merged[name]))
                raise ConfigError(f"{origin}: unknown key '{key}' in [{name}] (known: {known})")
            default = merged[name][key]
            # A table inside the section. One whose default names its keys (e.g. [actions.weights]) takes
            # only those; one whose default is empty (e.g. [offboard.alternatives_by_country]) is a free
            # mapping, its values typed by the section's model.
            if isinstance(default, dict) and not isinstance(value, dict):
                raise ConfigError(f"{origin}: [{name}] {key} must be a table [{name}.{key}]")
            if isinstance(default, dict) and default:
                unknown = sorted(set(value) - set(default))
                if unknown:
                    raise ConfigError(f"{origin}: unknown key '{unknown[0]}' in [{name}.{key}] "
                                      f"(known: {', '.join(sorted(default))})")
                value = {k: float(v) if isinstance(default[k], float) and isinstance(v, int)
                         and not isinstance(v, bool) else v for k, v in value.items()}
                value = {**default, **value}
            # TOML writes 1 for 1.0: a whole number where the default is a float is that float.
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            merged[name][key] = value
    return merged


def _validated(values: dict[str, dict[str, Any]], origin: str) -> Settings:
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        location = [str(part) for part in first["loc"]]
        if not location:  # a check across sections: its message names what is wrong
            raise ConfigError(f"{origin}: {first['msg'].removeprefix('Value error, ')}") from None
        where = f"[{location[0]}] " + ".".join(location[1:]) if len(location) > 1 else f"[{location[0]}]"
        value = first.get("input")
        raise ConfigError(f"{origin}: {where} = {value!r}: {first['msg']}") from None


@cache
def packaged_settings() -> Settings:
    """The packaged defaults alone (no user file): what a function uses when no settings are passed."""
    return _validated(_defaults(), "packaged keepwise.toml")


def load_settings(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults, then ``path`` (or ./keepwise.toml when it exists), then ``overrides``; validated once."""
    values = _defaults()
    _validated(values, "packaged keepwise.toml")
    origin = "packaged keepwise.toml"
    candidate = Path(path) if path else Path.cwd() / USER_CONFIG_NAME
    if path and not candidate.is_file():
        raise ConfigError(f"{candidate}: settings file not found")
    if candidate.is_file():
        try:
            user = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{candidate}: not valid TOML: {error}") from None
        values = merge(values, user, str(candidate))
        origin = str(candidate)
        _validated(values, origin)
    if overrides:
        values = merge(values, overrides, "overrides")
        origin = "overrides"
    return _validated(values, origin)
